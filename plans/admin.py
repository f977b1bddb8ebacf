from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Allocation,
    CampaignWave,
    CriterionDeadline,
    DailyReport,
    DeadlineRule,
    Plan,
    PlanReporter,
    Programme,
    ReportEdit,
    ReportLine,
    SocioTarget,
    VillageTarget,
    WeeklyReport,
    WorkItem,
)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "province", "district", "weekday", "time"]
    raw_id_fields = ["province", "district"]


class CriterionDeadlineInline(admin.TabularInline):
    model = CriterionDeadline
    extra = 0
    raw_id_fields = ["criterion"]


class VillageTargetInline(admin.TabularInline):
    model = VillageTarget
    extra = 0
    raw_id_fields = ["village"]


class SocioTargetInline(admin.TabularInline):
    model = SocioTarget
    extra = 0


class CampaignWaveInline(admin.TabularInline):
    model = CampaignWave
    extra = 0


class WorkItemInline(admin.TabularInline):
    model = WorkItem
    extra = 0
    raw_id_fields = ["criterion"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "start_year", "end_year", "commune", "district", "province", "is_illustrative"]
    list_filter = ["start_year", "end_year", "is_illustrative"]
    search_fields = ["name", "document_number", "commune__name", "district__name", "province__name"]
    raw_id_fields = ["commune", "district", "province"]
    readonly_fields = ["created_at"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["commune", "year", "name", "target_title", "target_criteria_met"]
    list_filter = ["year", "target_title"]
    search_fields = ["commune__name", "name", "document_number"]
    raw_id_fields = ["commune", "programme"]
    readonly_fields = ["created_at"]
    inlines = [
        CriterionDeadlineInline,
        VillageTargetInline,
        SocioTargetInline,
        CampaignWaveInline,
        WorkItemInline,
    ]


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = ["work_item", "village", "quantity"]
    raw_id_fields = ["work_item", "village"]
    list_select_related = ["work_item", "village"]


class ReportLineInline(admin.TabularInline):
    model = ReportLine
    extra = 0
    raw_id_fields = ["work_item"]


class ReportEditInline(admin.TabularInline):
    model = ReportEdit
    extra = 0
    readonly_fields = ["edited_at", "edited_by", "after_deadline", "changes"]


@admin.register(WeeklyReport)
class WeeklyReportAdmin(admin.ModelAdmin):
    list_display = ["village", "week", "submitted_at", "deadline", "is_late"]
    list_filter = ["week"]
    list_select_related = ["village"]
    raw_id_fields = ["plan", "village", "submitted_by"]
    inlines = [ReportLineInline, ReportEditInline]

    @admin.display(boolean=True, description=_("muộn"))
    def is_late(self, report: WeeklyReport) -> bool:
        return report.is_late


@admin.register(PlanReporter)
class PlanReporterAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "plan", "topic", "is_illustrative"]
    list_filter = ["kind"]
    raw_id_fields = ["plan", "user"]
    filter_horizontal = ["villages"]


@admin.register(DailyReport)
class DailyReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "work_item", "quantity", "keep_location", "posted_at"]
    list_filter = ["keep_location", "is_illustrative"]
    raw_id_fields = ["plan", "reporter", "village", "work_item", "posted_by"]
    date_hierarchy = "day"
