from django.urls import path
from django.views.generic import RedirectView

from . import views, views_office

app_name = "communes"


def moved(name: str):
    """The unit pages' first addresses, kept for bookmarks and old links: a permanent redirect
    to the page that now shows the unit, with the query string (?set=, ?year=) kept."""
    return RedirectView.as_view(pattern_name=name, permanent=True, query_string=True)


urlpatterns = [
    # The old names still resolve (to the redirects); the app's own links use the new names.
    path("communes/<code:code>/", moved("reports:commune_detail"), name="commune"),
    path("villages/<code:code>/", moved("reports:village"), name="village"),
    path("districts/<code:code>/", moved("reports:district"), name="district"),
    path("provinces/<code:code>/", moved("reports:province"), name="province"),
    # The province office's units and people.
    path("provinces/<code:code>/communes/", views_office.office_communes, name="office_communes"),
    path(
        "provinces/<code:code>/communes/history/",
        views_office.classification_history,
        name="classification_history",
    ),
    path(
        "provinces/<code:code>/communes/<code:commune>/",
        views_office.commune_classification,
        name="commune_classification",
    ),
    path("provinces/<code:code>/accounts/", views_office.office_accounts, name="office_accounts"),
    path("provinces/<code:code>/accounts/new/", views_office.account_create, name="account_create"),
    path("provinces/<code:code>/accounts/<int:user_id>/roles/new/", views_office.role_add, name="role_add"),
    path(
        "provinces/<code:code>/accounts/<int:user_id>/code/", views_office.account_code, name="account_code"
    ),
    path(
        "provinces/<code:code>/roles/<int:role_id>/deactivate/",
        views_office.role_deactivate,
        name="role_deactivate",
    ),
    path("password/code/", views.password_code, name="password_code"),
]
