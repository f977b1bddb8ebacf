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


class CriterionGroupInline(admin.TabularInline):
    model = CriterionGroup
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "unit_level", "classifier", "province", "prerequisite"]
    list_filter = ["unit_level", "classifier", "province"]
    search_fields = ["code", "name_vi", "name_en"]
    inlines = [CriterionGroupInline]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["code", "name_vi", "kind", "unit", "order", "is_placeholder"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
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


class ThresholdInline(admin.TabularInline):
    model = Threshold
    extra = 0
    fields = ["classifier_value", "year", "province", "value", "level", "flag", "source", "is_illustrative"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "criterion", "kind", "unit", "is_placeholder"]
    list_filter = ["criterion__criteria_set", "kind", "is_placeholder"]
    search_fields = ["code", "name_vi", "name_en"]
    list_select_related = ["criterion", "criterion__criteria_set"]
    inlines = [ThresholdInline]


@admin.register(Threshold)
class ThresholdAdmin(admin.ModelAdmin):
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
