"""The three-way merge of a stale save in real headless Chromium: two officers edit the same
assessment in two browsers; the second keeps the first's note and values and chooses where both
changed the same value."""

from decimal import Decimal

import pytest
from django.urls import reverse

from communes.models import Role

from ..entry_helpers import indicator, new_assessment
from ..factories import user_with_role
from .test_browser_entry import open_as

pytestmark = pytest.mark.browser


def test_the_three_way_merge_keeps_both_users_work(chromium, live_server, cast, catalogue):
    user_with_role("officer_a2", Role.Kind.COMMUNE_OFFICER, commune=cast.commune_a)
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road, stunting = indicator(catalogue, "3.1"), indicator(catalogue, "15.3")
    entry = live_server.url + reverse("criteria:entry", args=[assessment.pk])
    first, first_page = open_as(chromium, live_server, "officer_a")
    second, second_page = open_as(chromium, live_server, "officer_a2")
    first_page.goto(entry)
    second_page.goto(entry)

    first_page.fill(f"#id_v_{road.pk}", "85")
    first_page.fill(f"#id_n_{road.pk}", "Biên bản nghiệm thu")
    first_page.get_by_test_id("save").click()
    first_page.wait_for_selector(".alert-success")

    second_page.fill(f"#id_v_{road.pk}", "70")
    second_page.fill(f"#id_v_{stunting.pk}", "20")
    second_page.get_by_test_id("save").click()
    second_page.wait_for_selector("[data-testid=conflict]")
    row = second_page.get_by_test_id(f"conflict-v_{road.pk}").inner_text()
    assert "85 %" in row and "70 %" in row and "—" in row  # theirs, mine, the original
    # What only the first changed is taken; what only the second changed is kept.
    assert second_page.input_value(f"#id_n_{road.pk}") == "Biên bản nghiệm thu"
    assert second_page.input_value(f"#id_v_{stunting.pk}") == "20"
    assert second_page.input_value(f"#id_v_{road.pk}") == "70"
    assert assessment.values.filter(indicator=stunting).count() == 0

    # Choosing the other's value puts it in the field; saving keeps everything.
    second_page.get_by_test_id(f"take-theirs-v_{road.pk}").check()
    assert second_page.input_value(f"#id_v_{road.pk}") == "85"
    assert second_page.get_by_test_id("status-3.1").inner_text() == "✓ Đạt"
    second_page.get_by_test_id("save").click()
    second_page.wait_for_selector(".alert-success")
    road_row, stunting_row = assessment.values.get(indicator=road), assessment.values.get(indicator=stunting)
    assert (road_row.number, road_row.note) == (Decimal(85), "Biên bản nghiệm thu")
    assert stunting_row.number == Decimal(20)
    assert second_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    first.close()
    second.close()
