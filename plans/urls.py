from django.urls import path

from . import views, views_daily

app_name = "plans"

urlpatterns = [
    path("communes/<code:code>/", views.commune_plans, name="commune"),
    path("communes/<code:code>/new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/funds/", views.plan_funds, name="funds"),
    path("<int:pk>/targets/<int:target_pk>/actual/", views.target_actual, name="target_actual"),
    path("<int:pk>/targets/<int:target_pk>/objects/", views.counted_objects, name="counted"),
    path(
        "<int:pk>/targets/<int:target_pk>/objects/<int:object_pk>/meets/",
        views.counted_object_meets,
        name="counted_meets",
    ),
    path("<int:pk>/allocations/", views.allocation_grid, name="allocations"),
    path("<int:pk>/weekly/", views.weekly_overview, name="overview"),
    path("<int:pk>/villages/<code:code>/", views.village_plan, name="village"),
    path("<int:pk>/villages/<code:code>/weeks/<int:year>/<int:week>/", views.weekly_report, name="report"),
    path("<int:pk>/daily/", views_daily.daily_feed, name="daily"),
    path("<int:pk>/daily/new/", views_daily.daily_post, name="daily_post"),
    path("daily/<int:pk>/photo/", views_daily.daily_photo, name="daily_photo"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("<slug:level>/<code:code>/programmes/", views.programme_list, name="programmes"),
    path("<slug:level>/<code:code>/programmes/new/", views.programme_create, name="programme_create"),
]
