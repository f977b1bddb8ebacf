from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Commune, CommuneSuccession, District, Province, Region, Role, Village
from .signals import CLASSIFICATION_FIELDS, classification_changed


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en"]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "map", "valid_from", "valid_to", "region", "successor"]
    list_filter = ["map", "region"]
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["region", "successor"]
    autocomplete_fields = ["successor"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "region" in form.changed_data:
            # Communes without a region of their own take their province's.
            communes = Commune.objects.filter(province=obj, region__isnull=True).values_list("pk", flat=True)
            classification_changed.send(sender=Province, commune_ids=list(communes))


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "map", "valid_from", "valid_to", "province"]
    list_filter = ["map", "province"]
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["province"]


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0
    fields = ["code", "name"]


class PredecessorInline(admin.TabularInline):
    model = CommuneSuccession
    fk_name = "successor"
    extra = 0
    fields = ["predecessor", "is_default_successor", "valid_from"]
    autocomplete_fields = ["predecessor"]
    verbose_name = _("xã trước sắp xếp")
    verbose_name_plural = _("các xã trước sắp xếp")


class SuccessorInline(admin.TabularInline):
    model = CommuneSuccession
    fk_name = "predecessor"
    extra = 0
    fields = ["successor", "is_default_successor", "valid_from"]
    autocomplete_fields = ["successor"]
    verbose_name = _("xã kế thừa")
    verbose_name_plural = _("các xã kế thừa")


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "map",
        "valid_from",
        "valid_to",
        "district",
        "province",
        "region",
        "commune_group",
        "is_especially_difficult",
        "is_safe_zone",
    ]
    list_filter = [
        "map",
        "kind",
        "province",
        "region",
        "is_especially_difficult",
        "is_safe_zone",
        "commune_group",
    ]
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["district", "province", "region"]
    autocomplete_fields = ["district", "province"]
    inlines = [PredecessorInline, SuccessorInline, VillageInline]

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
    autocomplete_fields = ["commune", "predecessors"]


@admin.register(CommuneSuccession)
class CommuneSuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "is_default_successor", "valid_from"]
    list_filter = ["is_default_successor", "successor__province"]
    search_fields = [
        "predecessor__search_name",
        "predecessor__code",
        "successor__search_name",
        "successor__code",
    ]
    list_select_related = ["predecessor", "successor"]
    autocomplete_fields = ["predecessor", "successor"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "province", "district", "commune", "village"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]
    list_select_related = ["user", "province", "district", "commune", "village"]
    autocomplete_fields = ["user", "province", "district", "commune", "village"]
