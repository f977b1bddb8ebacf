from django.urls import path

from . import importing, views, views_exports, views_rollups

app_name = "reports"

urlpatterns: list = [
    path("districts/<str:code>/", views.district_dashboard, name="district"),
    path("provinces/<str:code>/", views.province_dashboard, name="province"),
    path("communes/<str:code>/", views.commune_dashboard, name="commune"),
    path("districts/<str:code>/villages/", views.district_villages, name="district_villages"),
    path("provinces/<str:code>/villages/", views.province_villages, name="province_villages"),
    path("exports/communes/<str:code>/assessment.xlsx", views_exports.commune_table, name="commune_table"),
    path(
        "exports/districts/<str:code>/summary.xlsx", views_exports.district_summary, name="district_summary"
    ),
    path("exports/provinces/<str:code>/summary/", views_exports.province_summary, name="province_summary"),
    path("downloads/", views_exports.downloads, name="downloads"),
    path("downloads/status.json", views_exports.downloads_status, name="downloads_status"),
    path("downloads/<int:pk>/file/", views_exports.job_file, name="job_file"),
    path("imports/communes/<str:code>/", importing.import_upload, name="import"),
    path("imports/communes/<str:code>/apply/", importing.import_apply, name="import_apply"),
    path("imports/communes/<str:code>/errors.xlsx", importing.import_marked, name="import_marked"),
    path("exports/communes/<str:code>/plan.xlsx", views_rollups.plan_table, name="plan_table"),
    path("rollups/", views_rollups.rollup_list, name="rollups"),
    path("rollups/build/", views_rollups.rollup_build, name="rollup_build"),
    path("rollups/<int:pk>/", views_rollups.rollup_detail, name="rollup"),
    path("rollups/<int:pk>/rebuild/", views_rollups.rollup_rebuild, name="rollup_rebuild"),
    path("rollups/<int:pk>/status.json", views_rollups.rollup_status, name="rollup_status"),
    path("rollups/<int:pk>/file/", views_rollups.rollup_file, name="rollup_file"),
]
