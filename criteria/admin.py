from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionGroup,
    CriterionResult,
    Evidence,
    Indicator,
    IndicatorValue,
    Threshold,
    Transition,
)
from .reevaluation import Scope, catalogue_reevaluation_request


class ReevaluatesOnChange:
    """Saving or deleting here (inline rows included) can change evaluations: the affected
    assessments are marked pending and re-evaluated once the admin's transaction commits.
    `scopes` names what an object touches; on a change, both its old and new scopes count.
    The scopes of one save (the object and its inlines) are gathered on the request and asked
    for once, in `save_related`, which the admin calls after the inlines are saved."""

    # Inline models whose rows change evaluations (a criterion group's rows do not).
    evaluated_inlines: tuple[type, ...] = ()

    def scopes(self, obj) -> set[Scope]:
        raise NotImplementedError

    def inline_scopes(self, parent, obj, changed_fields: list[str]) -> set[Scope]:
        return self.scopes(parent)

    def save_model(self, request, obj, form, change):
        changed = not change or form.has_changed()
        before = self.scopes(type(obj).objects.get(pk=obj.pk)) if change and changed else set()
        super().save_model(request, obj, form, change)
        request.reevaluation_scopes = before | self.scopes(obj) if changed else set()

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model not in self.evaluated_inlines:
            return
        touched = [(obj, fields) for obj, fields in formset.changed_objects]
        touched += [(obj, []) for obj in formset.new_objects + formset.deleted_objects]
        scopes = getattr(request, "reevaluation_scopes", set())
        for obj, fields in touched:
            scopes |= self.inline_scopes(form.instance, obj, fields)
        request.reevaluation_scopes = scopes

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        catalogue_reevaluation_request(scopes=getattr(request, "reevaluation_scopes", set()))

    def delete_model(self, request, obj):
        scopes = self.scopes(obj)
        super().delete_model(request, obj)
        catalogue_reevaluation_request(scopes=scopes)

    def delete_queryset(self, request, queryset):
        scopes = set().union(*(self.scopes(obj) for obj in queryset))
        super().delete_queryset(request, queryset)
        catalogue_reevaluation_request(scopes=scopes)


class CriterionGroupInline(admin.TabularInline):
    model = CriterionGroup
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(ReevaluatesOnChange, admin.ModelAdmin):
    list_display = ["code", "name_vi", "unit_level", "classifier", "province", "prerequisite"]
    list_filter = ["unit_level", "classifier", "province"]
    search_fields = ["code", "name_vi", "name_en"]
    inlines = [CriterionGroupInline]

    def scopes(self, obj: CriteriaSet) -> set[Scope]:
        return {(obj.pk, None)}


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["code", "name_vi", "kind", "unit", "order", "is_placeholder"]


@admin.register(Criterion)
class CriterionAdmin(ReevaluatesOnChange, admin.ModelAdmin):
    list_display = ["code", "name_vi", "criteria_set", "group", "is_detailed"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["evidence_checklist"].help_text = _(
            'Danh sách hồ sơ minh chứng của tiêu chí, ví dụ: [{"name": "Biên bản kiểm tra", '
            '"illustrative": false}]. Mỗi tệp minh chứng có thể gắn với một mục để tính mức đầy đủ.'
        )
        return form

    list_filter = ["criteria_set", "is_detailed"]
    search_fields = ["code", "name_vi", "name_en"]
    list_select_related = ["criteria_set", "group"]
    inlines = [IndicatorInline]
    evaluated_inlines = (Indicator,)

    def scopes(self, obj: Criterion) -> set[Scope]:
        return {(obj.criteria_set_id, None)}


class ThresholdInline(admin.TabularInline):
    model = Threshold
    extra = 0
    fields = ["classifier_value", "year", "province", "value", "level", "flag", "source", "is_illustrative"]


@admin.register(Indicator)
class IndicatorAdmin(ReevaluatesOnChange, admin.ModelAdmin):
    list_display = ["code", "name_vi", "criterion", "kind", "unit", "is_placeholder"]
    list_filter = ["criterion__criteria_set", "kind", "is_placeholder"]
    search_fields = ["code", "name_vi", "name_en"]
    list_select_related = ["criterion", "criterion__criteria_set"]
    inlines = [ThresholdInline]
    evaluated_inlines = (Threshold,)

    def scopes(self, obj: Indicator) -> set[Scope]:
        return {(obj.criterion.criteria_set_id, None)}

    def inline_scopes(self, parent: Indicator, obj: Threshold, changed_fields: list[str]) -> set[Scope]:
        # A row moved to another province changed the old province too: count the whole set.
        province_id = None if "province" in changed_fields else obj.province_id
        return {(parent.criterion.criteria_set_id, province_id)}


@admin.register(Threshold)
class ThresholdAdmin(ReevaluatesOnChange, admin.ModelAdmin):
    list_display = [
        "indicator",
        "classifier_value",
        "year",
        "province",
        "value",
        "flag",
        "level",
        "source",
        "is_illustrative",
    ]
    list_filter = ["indicator__criterion__criteria_set", "province", "is_illustrative", "classifier_value"]
    search_fields = ["indicator__code", "source"]
    list_select_related = ["indicator", "province"]
    autocomplete_fields = ["indicator"]

    def scopes(self, obj: Threshold) -> set[Scope]:
        return {(obj.indicator.criterion.criteria_set_id, obj.province_id)}


class IndicatorValueInline(admin.TabularInline):
    """Read-only: values change through the entry page (or import), which re-evaluates, checks
    the version and keeps history."""

    model = IndicatorValue
    extra = 0
    fields = ["indicator", "number", "flag", "level", "note", "status", "version"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    fields = ["at", "by", "from_status", "to_status", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "year", "status", "criteria_met", "criteria_total", "title_qualified"]
    list_filter = ["criteria_set", "year", "status", "title_qualified"]
    search_fields = ["commune__search_name", "village__search_name"]
    list_select_related = ["commune", "village", "criteria_set"]
    raw_id_fields = ["commune", "village"]
    # Status and version move only through the workflow services (they log who and why).
    readonly_fields = [
        "status",
        "version",
        "updated_by",
        "criteria_met",
        "criteria_total",
        "indicators_met",
        "indicators_total",
        "title_qualified",
    ]
    inlines = [IndicatorValueInline, TransitionInline]


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = [
        "original_name",
        "assessment",
        "indicator",
        "checklist_item",
        "uploaded_by",
        "uploaded_at",
    ]
    list_select_related = [
        "assessment__commune",
        "assessment__village",
        "assessment__criteria_set",
        "indicator",
    ]
    fields = [
        "assessment",
        "indicator",
        "original_name",
        "content_type",
        "size",
        "checklist_item",
        "uploaded_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


admin.site.register(CriterionResult)
