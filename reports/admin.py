from django.contrib import admin

from .models import ExportJob, RollUp


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Operators see who exported what and why a job failed; jobs are made only by the app."""

    list_display = ["pk", "kind", "title", "user", "status", "progress", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "user__username"]
    list_select_related = ["user"]
    readonly_fields = [field.name for field in ExportJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(RollUp)
class RollUpAdmin(admin.ModelAdmin):
    """Operators see each unit's weekly roll-up, its timings and why a build failed; roll-ups
    are built by the workers (or `manage.py build_rollups`), never typed in."""

    list_display = [
        "unit_code",
        "level",
        "iso_year",
        "iso_week",
        "status",
        "attempts",
        "duration_ms",
        "finished_at",
    ]
    list_filter = ["status", "level", "iso_year"]
    search_fields = ["unit_code", "error"]
    readonly_fields = [field.name for field in RollUp._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
