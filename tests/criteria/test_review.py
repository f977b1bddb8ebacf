"""The review queue: nothing ticked at first, approval only after a confirmation that lists
what will be locked, with each row's unmet criteria, in a bounded number of queries."""

import pytest
from django.urls import reverse

from criteria.models import Assessment
from criteria.services import assessment_save

from ..conftest import count_queries
from ..entry_helpers import full_values, new_assessment
from ..factories import CommuneFactory

S = Assessment.State
URL = reverse("criteria:review")


@pytest.fixture
def queue(cast, catalogue):
    """Three submitted assessments of district A; the first fails criterion 15 (15.3 at 90 %)."""
    communes = [cast.commune_a, *(CommuneFactory(district=cast.district_a) for _ in range(2))]
    assessments = [new_assessment(catalogue, commune=commune) for commune in communes]
    assessment_save(
        assessment=assessments[0], user=cast.admin, values=full_values(catalogue), expected_version=1
    )
    Assessment.objects.filter(pk__in=[assessment.pk for assessment in assessments]).update(status=S.SUBMITTED)
    return assessments


def approved() -> set[int]:
    return set(Assessment.objects.filter(status=S.APPROVED).values_list("pk", flat=True))


def test_the_queue_starts_with_nothing_ticked_and_names_unmet_criteria(client, cast, queue):
    client.force_login(cast.district_member_a)
    page = client.get(URL).content.decode()
    assert page.count('name="assessment"') == 3
    assert " checked" not in page
    unmet = page[page.index(f'data-testid="unmet-{queue[0].pk}"') :].split("</div>")[0]
    assert "15." in unmet and "Y tế" in unmet


def test_a_post_without_confirmation_locks_nothing_and_lists_what_would_be(client, cast, queue):
    client.force_login(cast.district_member_a)
    response = client.post(URL, {"assessment": [queue[0].pk, queue[1].pk]})
    page = response.content.decode()
    assert response.status_code == 200 and "Sẽ phê duyệt và khóa:" in page
    assert page.count('data-testid="to-lock"') == 2 and queue[1].commune.name in page
    assert queue[2].commune.name in page  # still in the queue, not in the list
    assert not approved()


def test_the_confirmation_approves_exactly_the_chosen_ones(client, cast, queue):
    client.force_login(cast.district_member_a)
    response = client.post(URL, {"assessment": [queue[0].pk, queue[2].pk], "confirm": "1"})
    assert response.status_code == 302
    assert approved() == {queue[0].pk, queue[2].pk}


def test_the_queue_costs_the_same_queries_with_more_assessments(client, cast, catalogue, queue):
    client.force_login(cast.district_member_a)
    small = count_queries(lambda: client.get(URL), status=200)
    for _ in range(3):
        extra = new_assessment(catalogue, commune=CommuneFactory(district=cast.district_a))
        Assessment.objects.filter(pk=extra.pk).update(status=S.SUBMITTED)
    assert count_queries(lambda: client.get(URL), status=200) == small
