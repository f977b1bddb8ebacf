from django.urls import path

from .views import (
    dashboards,
    documents,
    exports,
    group_imports,
    imports,
    periodic,
    recognition,
    rollups,
    targets,
    units,
)

app_name = "reports"

urlpatterns: list = [
    path("districts/<code:code>/", dashboards.district_dashboard, name="district"),
    path("provinces/<code:code>/", dashboards.province_dashboard, name="province"),
    path("communes/<code:code>/", dashboards.commune_dashboard, name="commune"),
    path("districts/<code:code>/villages/", dashboards.district_villages, name="district_villages"),
    path("provinces/<code:code>/villages/", dashboards.province_villages, name="province_villages"),
    path("communes/<code:code>/assessments/", units.commune_detail, name="commune_detail"),
    path("villages/<code:code>/", units.village_detail, name="village"),
    path("exports/communes/<code:code>/assessment.xlsx", exports.commune_table, name="commune_table"),
    path("exports/districts/<code:code>/summary.xlsx", exports.district_summary, name="district_summary"),
    path("exports/provinces/<code:code>/summary/", exports.province_summary, name="province_summary"),
    path("downloads/", exports.downloads, name="downloads"),
    path("downloads/status.json", exports.downloads_status, name="downloads_status"),
    path("downloads/<int:pk>/file/", exports.job_file, name="job_file"),
    path("imports/communes/<code:code>/", imports.import_upload, name="import"),
    path("imports/communes/<code:code>/apply/", imports.import_apply, name="import_apply"),
    path("imports/communes/<code:code>/errors.xlsx", imports.import_marked, name="import_marked"),
    path("exports/communes/<code:code>/plan.xlsx", exports.plan_table, name="plan_table"),
    path(
        "exports/provinces/<code:code>/commune-groups.xlsx",
        group_imports.commune_groups_template,
        name="commune_groups_template",
    ),
    path(
        "imports/provinces/<code:code>/commune-groups/",
        group_imports.commune_groups_import,
        name="commune_groups_import",
    ),
    path(
        "imports/provinces/<code:code>/commune-groups/apply/",
        group_imports.commune_groups_apply,
        name="commune_groups_apply",
    ),
    path(
        "imports/provinces/<code:code>/commune-groups/errors.xlsx",
        group_imports.commune_groups_marked,
        name="commune_groups_marked",
    ),
    path("rollups/", rollups.rollup_list, name="rollups"),
    path("rollups/build/", rollups.rollup_build, name="rollup_build"),
    path("rollups/<int:pk>/", rollups.rollup_detail, name="rollup"),
    path("rollups/<int:pk>/rebuild/", rollups.rollup_rebuild, name="rollup_rebuild"),
    path("rollups/<int:pk>/status.json", rollups.rollup_status, name="rollup_status"),
    path("rollups/<int:pk>/file/", rollups.rollup_file, name="rollup_file"),
    path("documents/<int:pk>/<str:which>/file/", documents.document_file, name="document_file"),
    path("documents/<int:pk>/issue/", documents.document_issue, name="document_issue"),
    path("documents/<str:level>/<code:code>/", documents.document_register, name="document_register"),
    path(
        "documents/<str:level>/<code:code>/status.json",
        documents.document_register_status,
        name="document_register_status",
    ),
    path(
        "documents/<str:level>/<code:code>/settings/", documents.document_settings, name="document_settings"
    ),
    path("document-templates/<code:code>/", documents.document_templates, name="document_templates"),
    path(
        "document-templates/<code:code>/<str:kind>.docx",
        documents.document_template_file,
        name="document_template_file",
    ),
    path(
        "document-templates/<code:code>/<str:kind>/reset/",
        documents.document_template_reset,
        name="document_template_reset",
    ),
    path("recognition-files/communes/<code:code>/", recognition.recognition_files, name="recognition_files"),
    path("recognition-files/<int:pk>/", recognition.recognition_file, name="recognition_file"),
    path(
        "recognition-files/<int:pk>/documents/",
        recognition.recognition_documents,
        name="recognition_documents",
    ),
    path("recognition-files/<int:pk>/zip/", recognition.recognition_zip, name="recognition_zip"),
    path("periodic/<slug:level>/<code:code>/", periodic.periodic_list, name="periodic_list"),
    path(
        "periodic/<slug:level>/<code:code>/<slug:kind>/<int:year>/<int:number>/",
        periodic.periodic_report,
        name="periodic_report",
    ),
    path(
        "periodic/<slug:level>/<code:code>/<slug:kind>/<int:year>/<int:number>/document/",
        periodic.periodic_document,
        name="periodic_document",
    ),
    path(
        "periodic/<slug:level>/<code:code>/<slug:kind>/<int:year>/<int:number>/review/",
        periodic.periodic_review,
        name="periodic_review",
    ),
    path(
        "periodic/<slug:level>/<code:code>/submissions/",
        periodic.periodic_submissions,
        name="periodic_submissions",
    ),
    path("periodic-dues/provinces/<code:code>/", periodic.periodic_dues, name="periodic_dues"),
    path("targets/<int:pk>/actuals/", targets.target_actuals, name="target_actuals"),
    path(
        "targets/<int:pk>/actuals/<int:actual_pk>/delete/",
        targets.target_actual_delete,
        name="target_actual_delete",
    ),
]
