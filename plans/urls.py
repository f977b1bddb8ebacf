from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("communes/<code:code>/", views.commune_plans, name="commune"),
    path("communes/<code:code>/new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/allocations/", views.allocation_grid, name="allocations"),
    path("<int:pk>/weekly/", views.weekly_overview, name="overview"),
    path("<int:pk>/villages/<code:code>/", views.village_plan, name="village"),
    path("<int:pk>/villages/<code:code>/weeks/<int:year>/<int:week>/", views.weekly_report, name="report"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("<slug:level>/<code:code>/programmes/", views.programme_list, name="programmes"),
    path("<slug:level>/<code:code>/programmes/new/", views.programme_create, name="programme_create"),
]
