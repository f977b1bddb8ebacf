from django.contrib import admin

from .models import Commune, District, Province, Region, Role, Village
from .signals import CLASSIFICATION_FIELDS, classification_changed


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en"]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name", "search_name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "region" in form.changed_data:
            # Communes without a region of their own take their province's.
            communes = Commune.objects.filter(province=obj, region__isnull=True).values_list("pk", flat=True)
            classification_changed.send(sender=Province, commune_ids=list(communes))


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province"]
    list_filter = ["province"]
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["province"]


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0
    fields = ["code", "name"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "district",
        "province",
        "region",
        "commune_group",
        "is_especially_difficult",
        "is_safe_zone",
    ]
    list_filter = ["province", "region", "is_especially_difficult", "is_safe_zone", "commune_group"]
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["district", "province", "region"]
    autocomplete_fields = ["district", "province"]
    inlines = [VillageInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and set(CLASSIFICATION_FIELDS) & set(form.changed_data):
            classification_changed.send(sender=Commune, commune_ids=[obj.pk])


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "commune"]
    list_filter = ["commune__province"]
    search_fields = ["code", "name", "search_name", "commune__search_name"]
    list_select_related = ["commune"]
    autocomplete_fields = ["commune"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "province", "district", "commune", "village"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]
    list_select_related = ["user", "province", "district", "commune", "village"]
    autocomplete_fields = ["user", "province", "district", "commune", "village"]
