from django.contrib import admin

from .models import ExportJob


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
