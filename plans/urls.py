from django.urls import path

from . import views, views_daily, views_targets

app_name = "plans"

urlpatterns = [
    path("communes/<code:code>/", views.commune_plans, name="commune"),
    path("communes/<code:code>/new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/funds/", views_targets.funds, name="funds"),
    path("<int:pk>/targets/<int:target_pk>/actual/", views_targets.target_actual, name="target_actual"),
    path("<int:pk>/targets/<int:target_pk>/objects/", views_targets.counted_objects, name="counted"),
    path(
        "<int:pk>/targets/<int:target_pk>/objects/<int:object_pk>/meets/",
        views_targets.counted_object_meets,
        name="counted_meets",
    ),
    path("<int:pk>/allocations/", views.allocation_grid, name="allocations"),
    path("<int:pk>/weekly/", views.weekly_overview, name="overview"),
    path("<int:pk>/villages/<code:code>/", views.village_plan, name="village"),
    path("<int:pk>/villages/<code:code>/weeks/<int:year>/<int:week>/", views.weekly_report, name="report"),
    path("<int:pk>/daily/", views_daily.daily_feed, name="daily"),
    path("<int:pk>/daily/new/", views_daily.daily_post, name="daily_post"),
    path("daily/<int:pk>/photo/", views_daily.daily_photo, name="daily_photo"),
    path("daily/<int:pk>/edit/", views_daily.daily_edit, name="daily_edit"),
    path("daily/<int:pk>/delete/", views_daily.daily_delete, name="daily_delete"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    # A programme's own numeric targets and funds: the same pages as a plan's.
    path("programmes/<int:pk>/funds/", views_targets.funds, {"kind": "programme"}, name="programme_funds"),
    path(
        "programmes/<int:pk>/targets/<int:target_pk>/actual/",
        views_targets.target_actual,
        {"kind": "programme"},
        name="programme_target_actual",
    ),
    path(
        "programmes/<int:pk>/targets/<int:target_pk>/objects/",
        views_targets.counted_objects,
        {"kind": "programme"},
        name="programme_counted",
    ),
    path(
        "programmes/<int:pk>/targets/<int:target_pk>/objects/<int:object_pk>/meets/",
        views_targets.counted_object_meets,
        {"kind": "programme"},
        name="programme_counted_meets",
    ),
    path("<slug:level>/<code:code>/programmes/", views.programme_list, name="programmes"),
    path("<slug:level>/<code:code>/programmes/new/", views.programme_create, name="programme_create"),
]
