"""The site's own pages and answers: error pages in the user's language, the help page, the
menu, compression and the no-store rule for signed-in pages."""

import gzip

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults

from tests.conftest import NTM_SET

pytestmark = pytest.mark.django_db


def test_missing_page_is_vietnamese_with_a_way_back(client, cast):
    client.force_login(cast.officer_a)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Không tìm thấy trang" in text
    assert reverse("home") in text and reverse("help") in text


def test_missing_page_in_english_when_chosen(client, cast):
    client.force_login(cast.officer_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_forbidden_page_says_whom_to_ask(client, cast):
    # The commune officer of A may not open commune B's plans page for managing.
    client.force_login(cast.officer_a)
    response = client.get(reverse("plans:create", args=[cast.commune_b.key]))
    assert response.status_code in {403, 404}
    text = response.content.decode()
    assert "Lỗi 40" in text


def test_server_error_page_renders_without_the_request_context():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "Hệ thống gặp lỗi" in text and "Không có gì được lưu" in text


def test_help_is_readable_before_login_and_opens_the_readers_section(client, cast):
    response = client.get(reverse("help"))
    assert response.status_code == 200
    assert 'id="everyone" open' in response.content.decode()
    client.force_login(cast.village_head_a)
    text = client.get(reverse("help")).content.decode()
    assert 'id="village_head" open' in text
    assert 'id="commune_officer" open' not in text


def test_menu_leads_to_plans_downloads_and_help(client, cast):
    client.force_login(cast.officer_a)
    text = client.get(reverse("help")).content.decode()
    assert reverse("plans:commune", args=[cast.commune_a.key]) in text
    assert reverse("reports:downloads") in text
    client.force_login(cast.province_office)
    text = client.get(reverse("help")).content.decode()
    for name in ("criteria:review", "reports:rollups", "criteria:recognitions"):
        assert text.count(f'href="{reverse(name)}"') == 1


def test_signed_in_pages_and_exports_are_never_cached(client, cast):
    assert "no-store" not in client.get(reverse("help")).get("Cache-Control", "")
    client.force_login(cast.officer_a)
    page = client.get(reverse("reports:commune_detail", args=[cast.commune_a.key]))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    export = client.get(
        reverse("reports:commune_table", args=[cast.commune_a.key]), {"set": NTM_SET, "year": 2024}
    )
    assert export.status_code == 200
    assert "no-store" in export["Cache-Control"]


def test_pages_travel_compressed_and_workbooks_as_they_are(client, cast):
    client.force_login(cast.officer_a)
    page = client.get(
        reverse("reports:commune_detail", args=[cast.commune_a.key]), HTTP_ACCEPT_ENCODING="gzip"
    )
    assert page["Content-Encoding"] == "gzip"
    assert "<html" in gzip.decompress(page.content).decode()
    export = client.get(
        reverse("reports:commune_table", args=[cast.commune_a.key]),
        {"set": NTM_SET, "year": 2024},
        HTTP_ACCEPT_ENCODING="gzip",
    )
    assert export.status_code == 200
    assert not export.has_header("Content-Encoding")
    assert export.content[:2] == b"PK"
