from django.urls import path

from . import views, views_province_indicators, views_recognition, views_thresholds

app_name = "criteria"

urlpatterns = [
    path("new/", views.create, name="create"),
    path("review/", views.review, name="review"),
    path("<int:pk>/", views.entry, name="entry"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.return_, name="return"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/history/<int:indicator_id>/", views.indicator_history, name="indicator_history"),
    path("<int:pk>/evidence/<int:indicator_id>/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:evidence_id>/", views.evidence_file, name="evidence"),
    path("evidence/<int:evidence_id>/delete/", views.evidence_delete, name="evidence_delete"),
    path("recognitions/", views_recognition.recognitions, name="recognitions"),
    path("recognitions/new/", views_recognition.record, name="recognition_record"),
    path("recognitions/<int:pk>/revoke/", views_recognition.revoke, name="recognition_revoke"),
    path(
        "provinces/<code:code>/thresholds/", views_thresholds.province_thresholds, name="province_thresholds"
    ),
    path(
        "provinces/<code:code>/thresholds/remove/<int:pk>/",
        views_thresholds.province_threshold_remove,
        name="province_threshold_remove",
    ),
    path(
        "provinces/<code:code>/thresholds/<slug:set_code>/<code:indicator>/",
        views_thresholds.province_threshold,
        name="province_threshold",
    ),
    path(
        "provinces/<code:code>/indicators/",
        views_province_indicators.province_indicators,
        name="province_indicators",
    ),
    path(
        "provinces/<code:code>/indicators/<int:pk>/",
        views_province_indicators.province_indicator_edit,
        name="province_indicator_edit",
    ),
    path(
        "provinces/<code:code>/indicators/<int:pk>/active/",
        views_province_indicators.province_indicator_active,
        name="province_indicator_active",
    ),
    path(
        "provinces/<code:code>/indicators/<slug:set_code>/<code:criterion>/new/",
        views_province_indicators.province_indicator_add,
        name="province_indicator_add",
    ),
]
