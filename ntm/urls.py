from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from . import views


def moved(name: str):
    """The unit pages' first addresses, kept for bookmarks and old links: a permanent redirect
    to the page that now shows the unit, with the query string (?set=, ?year=) kept."""
    return RedirectView.as_view(pattern_name=name, permanent=True, query_string=True)


# The old names still resolve (to the redirects); the app's own links use the new names.
moved_patterns = (
    [
        path("communes/<str:code>/", moved("reports:commune_detail"), name="commune"),
        path("villages/<str:code>/", moved("reports:village"), name="village"),
        path("districts/<str:code>/", moved("reports:district"), name="district"),
        path("provinces/<str:code>/", moved("reports:province"), name="province"),
    ],
    "communes",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("healthz/", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include(moved_patterns)),
    path("assessments/", include("criteria.urls")),
    path("plans/", include("plans.urls")),
    path("reports/", include("reports.urls")),
]
