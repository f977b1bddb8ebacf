"""The site's own pages: home (each user's landing page), about and the health check."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from communes.access import user_roles
from communes.models import Role

from .forms import PasswordChangeForm, PasswordResetForm

# The landing page of each role: the page of the unit the role is bound to.
LANDING = {
    Role.Kind.COMMUNE_OFFICER: lambda role: reverse("reports:commune_detail", args=[role.commune.key]),
    Role.Kind.VILLAGE_HEAD: lambda role: reverse("reports:village", args=[role.village.code]),
    Role.Kind.DISTRICT_COMMITTEE: lambda role: reverse("reports:district", args=[role.district.key]),
    Role.Kind.PROVINCE_OFFICE: lambda role: reverse("reports:province", args=[role.province.key]),
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page of the unit their first role is bound to."""
    roles = user_roles(request.user)
    if not roles:
        if request.user.is_staff:
            return redirect("admin:index")
        return render(request, "ntm/no_role.html")
    role = roles[0]
    return redirect(LANDING[role.kind](role))


# The help page's sections, in the order shown; "everyone" holds what every role needs.
HELP_SECTIONS = [kind.value for kind in Role.Kind] + ["everyone"]


def help_page(request: HttpRequest) -> HttpResponse:
    """How to use the tool, one section per role; the reader's own roles open first. Readable
    before logging in (the login page links here)."""
    mine = {role.kind for role in user_roles(request.user)} if request.user.is_authenticated else set()
    sections = sorted(HELP_SECTIONS, key=lambda section: section not in mine)
    return render(request, "ntm/help.html", {"sections": sections, "mine": mine})


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for the container health check: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_required
def about(request: HttpRequest) -> HttpResponse:
    """What the tool is and which catalogue it carries; also the benchmark's framework floor."""
    return render(request, "ntm/about.html")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page; its form counts wrong current passwords as failed logins."""

    form_class = PasswordChangeForm

    def get_form_kwargs(self) -> dict:
        return super().get_form_kwargs() | {"request": self.request}


class PasswordResetView(auth_views.PasswordResetView):
    """Django's page; its form limits the e-mails per address and per client."""

    form_class = PasswordResetForm

    def get_form_kwargs(self) -> dict:
        return super().get_form_kwargs() | {"request": self.request}
