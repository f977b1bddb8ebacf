from django.urls import path

from . import views

app_name = "communes"

urlpatterns = [
    path("about/", views.about, name="about"),
    path("healthz/", views.healthz, name="healthz"),
    path("communes/<str:code>/", views.commune_detail, name="commune"),
    path("villages/<str:code>/", views.village_detail, name="village"),
    path("districts/<str:code>/", views.district_detail, name="district"),
    path("provinces/<str:code>/", views.province_detail, name="province"),
]
