"""Two users saving the same assessment: a save from an older copy is refused and merged three
ways (what the page started from, what the user typed, what is stored now)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from communes.models import Role
from criteria.merge import Side, changed_by
from criteria.models import Assessment, IndicatorValue

from ..entry_helpers import indicator, new_assessment
from ..factories import user_with_role
from ..reliability_helpers import form_with


@pytest.mark.parametrize(
    "base, mine, theirs, side",
    [
        (1, 1, 1, Side.NOBODY),
        (1, 1, 2, Side.THEIRS),
        (1, 2, 1, Side.MINE),
        (1, 2, 2, Side.MINE),
        (1, 2, 3, Side.BOTH),
    ],
)
def test_it_tells_who_changed_a_field_since_the_copy(base, mine, theirs, side):
    assert changed_by(base, mine, theirs) is side


@pytest.fixture
def two_officers(cast):
    """The commune officer and a second officer of the same commune, each in a browser."""
    second = user_with_role("officer_a2", Role.Kind.COMMUNE_OFFICER, commune=cast.commune_a)
    first_client, second_client = Client(), Client()
    first_client.force_login(cast.officer_a)
    second_client.force_login(second)
    return first_client, second_client


def url(assessment):
    return reverse("criteria:entry", args=[assessment.pk])


def opened(client, assessment) -> dict:
    """The entry form's data as the browser would send it, unchanged."""
    return form_with(client.get(url(assessment)).content.decode(), "base")


def stored(assessment, catalogue, code):
    return IndicatorValue.objects.filter(assessment=assessment, indicator=indicator(catalogue, code)).first()


def test_disjoint_changes_of_two_users_are_both_kept(two_officers, cast, catalogue):
    first, second = two_officers
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road, water = indicator(catalogue, "3.1"), indicator(catalogue, "1.1")
    mine, theirs = opened(second, assessment), opened(first, assessment)

    theirs |= {f"v_{road.pk}": "85", f"n_{road.pk}": "Đo lại tháng 3"}
    assert first.post(url(assessment), theirs).status_code == 302
    mine[f"v_{water.pk}"] = "1"
    refused = second.post(url(assessment), mine)
    page = refused.content.decode()
    assert refused.status_code == 200 and 'data-testid="conflict"' in page
    assert 'data-testid="take-theirs-' not in page  # nothing to choose: nobody changed the same field
    assert not stored(assessment, catalogue, "1.1")

    again = form_with(page, "base")
    assert again[f"v_{road.pk}"] == "85" and again[f"n_{road.pk}"] == "Đo lại tháng 3"
    assert again[f"v_{water.pk}"] == "1" and again["version"] == "2"
    assert second.post(url(assessment), again).status_code == 302
    assert stored(assessment, catalogue, "3.1").number == Decimal(85)
    assert stored(assessment, catalogue, "3.1").note == "Đo lại tháng 3"
    assert stored(assessment, catalogue, "1.1").flag is True
    assert Assessment.objects.get(pk=assessment.pk).version == 3


def test_a_field_both_changed_gives_a_choice_with_the_three_values(two_officers, cast, catalogue):
    first, second = two_officers
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    first.post(url(assessment), opened(first, assessment) | {f"v_{road.pk}": "60"})
    mine, theirs = opened(second, assessment), opened(first, assessment)

    first.post(url(assessment), theirs | {f"v_{road.pk}": "85"})
    page = second.post(url(assessment), mine | {f"v_{road.pk}": "70"}).content.decode()
    row = page[page.index(f'data-testid="conflict-v_{road.pk}"') :].split("</tr>")[0]
    assert "60 %" in row and "85 %" in row and "70 %" in row and "table-warning" in page
    assert f'name="keep_v_{road.pk}" value="theirs"' in row
    again = form_with(page, "base")
    assert again[f"v_{road.pk}"] == "70"  # the field keeps the user's value until they choose

    # Taking the other user's value saves nothing over it.
    assert second.post(url(assessment), again | {f"keep_v_{road.pk}": "theirs"}).status_code == 302
    assert stored(assessment, catalogue, "3.1").number == Decimal(85)
    assert Assessment.objects.get(pk=assessment.pk).version == 3


def test_keeping_ones_own_value_in_a_choice_saves_it(two_officers, cast, catalogue):
    first, second = two_officers
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    mine, theirs = opened(second, assessment), opened(first, assessment)
    first.post(url(assessment), theirs | {f"v_{road.pk}": "85"})
    page = second.post(url(assessment), mine | {f"v_{road.pk}": "70"}).content.decode()
    again = form_with(page, "base") | {f"keep_v_{road.pk}": "mine"}
    assert second.post(url(assessment), again).status_code == 302
    assert stored(assessment, catalogue, "3.1").number == Decimal(70)


def test_saving_after_a_conflict_keeps_the_first_users_note_and_values(two_officers, cast, catalogue):
    first, second = two_officers
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road, stunting = indicator(catalogue, "3.1"), indicator(catalogue, "15.3")
    mine, theirs = opened(second, assessment), opened(first, assessment)
    theirs |= {f"v_{road.pk}": "85", f"n_{road.pk}": "Biên bản nghiệm thu", f"v_{stunting.pk}": "20"}
    first.post(url(assessment), theirs)

    # The second user changes only the note of 15.3; the stale page still shows 3.1 and 15.3 empty.
    mine[f"n_{stunting.pk}"] = "Số liệu trạm y tế"
    page = second.post(url(assessment), mine).content.decode()
    assert second.post(url(assessment), form_with(page, "base")).status_code == 302

    road_row, stunting_row = stored(assessment, catalogue, "3.1"), stored(assessment, catalogue, "15.3")
    assert (road_row.number, road_row.note) == (Decimal(85), "Biên bản nghiệm thu")
    assert (stunting_row.number, stunting_row.note) == (Decimal(20), "Số liệu trạm y tế")


def test_a_save_applies_only_what_the_user_changed_since_opening(two_officers, cast, catalogue):
    """Even with the version of the page matching (nothing else happened), the untouched values
    are not written again: the save's history names only the changed indicator."""
    first, _second = two_officers
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road, stunting = indicator(catalogue, "3.1"), indicator(catalogue, "15.3")
    first.post(url(assessment), opened(first, assessment) | {f"v_{road.pk}": "85", f"v_{stunting.pk}": "20"})
    first.post(url(assessment), opened(first, assessment) | {f"n_{road.pk}": "Đo lại"})
    latest = IndicatorValue.history.filter(assessment_id=assessment.pk, version=3)
    assert [record.indicator_id for record in latest] == [road.pk]
    assert stored(assessment, catalogue, "3.1").number == Decimal(85)


def test_a_base_that_is_not_a_stored_copy_counts_every_value_as_typed(two_officers, cast, catalogue):
    first, _second = two_officers
    assessment = new_assessment(catalogue, commune=cast.commune_a)
    road = indicator(catalogue, "3.1")
    for number, base in enumerate(
        ("nonsense", '{"%s": ["NaN", ""]}' % road.pk, "[1]", '{"%s": 5}' % road.pk)
    ):
        data = opened(first, assessment) | {"base": base, f"keep_v_{road.pk}": "theirs"}
        assert first.post(url(assessment), data | {f"v_{road.pk}": str(70 + number)}).status_code == 302
        assert stored(assessment, catalogue, "3.1").number == 70 + number
