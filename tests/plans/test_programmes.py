"""Programmes over years: their title and unit targets (constraints on the database), the
targets a yearly plan inherits, the programme pages (access, forms, query budgets) and the
commune landing pages' plan strip."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from criteria.models import Assessment, CriteriaSet, Recognition
from criteria.titles import TitleState
from plans import selectors
from plans.models import Plan, Programme, ProgrammeTitleTarget, ProgrammeUnitTarget, VillageTarget

from ..conftest import count_queries
from ..factories import VillageFactory
from ..plans_helpers import make_plan

ADVANCED = "xa_ntm_nang_cao_2021_2025"
VILLAGE_SET = "ha_tinh_kdc_kieu_mau_2022"


@pytest.fixture
def programme(cast):
    return Programme.objects.create(
        commune=cast.commune_a, name="Chương trình hành động 2021-2025", start_year=2021, end_year=2025
    )


def _village_set(province) -> CriteriaSet:
    village_set, _created = CriteriaSet.objects.get_or_create(
        code=VILLAGE_SET,
        defaults={
            "name_vi": "Bộ tiêu chí khu dân cư kiểu mẫu",
            "unit_level": CriteriaSet.UnitLevel.VILLAGE,
            "classifier": CriteriaSet.Classifier.NONE,
            "title_vi": "Khu dân cư NTM kiểu mẫu",
            "province": province,
        },
    )
    return village_set


def _targets(programme, titles: int, villages: int):
    advanced = CriteriaSet.objects.get(code=ADVANCED)
    village_set = _village_set(programme.commune.province)
    ProgrammeTitleTarget.objects.get_or_create(
        programme=programme, year=2022, criteria_set=advanced, defaults={"title": "advanced"}
    )
    # Model-title targets from 2024 on, after those already there.
    first = max([2023, *programme.title_targets.filter(criteria_set=None).values_list("year", flat=True)]) + 1
    for year in range(first, first + titles - 1):
        ProgrammeTitleTarget.objects.create(programme=programme, year=year, title="model")
    commune = programme.commune
    for _n in range(villages):
        village = VillageFactory(name=f"Thôn {commune.villages.count() + 10}", commune=commune)
        ProgrammeUnitTarget.objects.create(programme=programme, year=2024, kind="keep_model", village=village)
    ProgrammeUnitTarget.objects.create(
        programme=programme, year=2025, kind="count", value=villages, criteria_set=village_set
    )


# --- models -----------------------------------------------------------------------------------


def test_a_unit_target_is_either_a_village_or_a_count(programme, cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeUnitTarget.objects.create(programme=programme, year=2024, kind="keep_model")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeUnitTarget.objects.create(
            programme=programme, year=2024, kind="count", value=4, village=cast.village_a
        )
    ProgrammeUnitTarget.objects.create(programme=programme, year=2024, kind="count", value=4)
    ProgrammeUnitTarget.objects.create(
        programme=programme, year=2024, kind="reach_model", village=cast.village_a
    )


def test_one_title_target_per_programme_year_and_set_even_without_a_set(programme):
    ProgrammeTitleTarget.objects.create(programme=programme, year=2024, title="model")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeTitleTarget.objects.create(programme=programme, year=2024, title="advanced")
    advanced = CriteriaSet.objects.get(code=ADVANCED)
    ProgrammeTitleTarget.objects.create(
        programme=programme, year=2024, title="advanced", criteria_set=advanced
    )


# --- selectors --------------------------------------------------------------------------------


def test_a_plan_inherits_its_programmes_targets_for_its_year_only(programme, cast):
    _targets(programme, titles=2, villages=1)
    plan = make_plan(cast.commune_a, year=2024)
    plan.programme = programme
    plan.save()
    inherited = selectors.programme_targets(programme, plan.year)
    assert [line.target.year for line in inherited.titles] == [2024]
    assert [line.target.year for line in inherited.units] == [2024]
    everything = selectors.programme_targets(programme)
    assert [year for year, _t, _u in everything.by_year()] == [2022, 2024, 2025]


def test_title_and_count_states_come_from_assessments_and_recognitions(programme, cast):
    _targets(programme, titles=1, villages=2)
    advanced = CriteriaSet.objects.get(code=ADVANCED)
    village_set = _village_set(cast.province)
    assessment = Assessment.objects.create(criteria_set=advanced, commune=cast.commune_a, year=2022)
    Assessment.objects.filter(pk=assessment.pk).update(title_qualified=True)
    village = programme.unit_targets.exclude(village=None).first().village
    Recognition.objects.create(
        criteria_set=village_set,
        village=village,
        level="district_chair",
        decision_number="12/QĐ-UBND",
        decision_date=date(2021, 9, 28),
    )
    targets = selectors.programme_targets(programme)
    title = targets.titles[0].status
    assert title.state is TitleState.ELIGIBLE and title.assessment == assessment and not title.reached
    count = next(line for line in targets.units if line.target.is_count).status
    assert count.count == 1 and not count.reached  # 1 of the 2 villages is recognised


def test_programme_targets_read_the_same_number_of_queries_for_more_targets(
    programme, cast, django_assert_num_queries
):
    _targets(programme, titles=2, villages=1)
    small = count_queries(lambda: selectors.programme_targets(programme))
    _targets(programme, titles=4, villages=5)
    # title targets, unit targets, village sets, the province's ids, village ids, assessments,
    # recognitions
    assert count_queries(lambda: selectors.programme_targets(programme)) == small


def test_a_model_village_target_says_the_province_has_no_set(cast):
    plan = make_plan(cast.commune_a, year=2024)
    VillageTarget.objects.create(plan=plan, village=cast.village_a, kind="reach_model")
    CriteriaSet.objects.filter(unit_level=CriteriaSet.UnitLevel.VILLAGE).update(province=None)
    CriteriaSet.objects.filter(unit_level=CriteriaSet.UnitLevel.VILLAGE).delete()
    (line,) = selectors.plan_village_target_lines(plan)
    assert line.status.untracked == "chưa có bộ tiêu chí thôn kiểu mẫu của tỉnh"


# --- pages ------------------------------------------------------------------------------------


def test_the_programme_page_lists_targets_by_year_with_their_state_and_plans(client, cast, programme):
    _targets(programme, titles=2, villages=1)
    plan = make_plan(cast.commune_a, year=2024)
    Plan.objects.filter(pk=plan.pk).update(programme=programme)
    client.force_login(cast.officer_a)
    page = client.get(reverse("plans:programme", args=[programme.pk])).content.decode()
    assert 'data-testid="programme-year-2022"' in page and 'data-testid="programme-year-2025"' in page
    assert "chưa có bộ tiêu chí của danh hiệu này trong danh mục" in page  # the model title
    assert reverse("plans:detail", args=[plan.pk]) in page
    assert 'id="numeric-targets"' in page
    detail = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "theo chương trình Chương trình hành động 2021-2025" in detail


@pytest.mark.parametrize("size", [(2, 1), (5, 6)])
def test_the_programme_page_reads_a_fixed_number_of_queries(client, cast, programme, size):
    client.force_login(cast.officer_a)
    url = reverse("plans:programme", args=[programme.pk])
    _targets(programme, titles=2, villages=1)
    small = count_queries(lambda: client.get(url), status=200)
    _targets(programme, titles=size[0], villages=size[1])
    # session, user, roles, the programme, its targets and states (see programme_targets), its
    # plans: the same count whatever the number of targets and villages
    assert count_queries(lambda: client.get(url), status=200) == small


def test_an_outsider_gets_404_and_a_village_head_cannot_edit(client, cast, programme):
    for user, expected in ((cast.officer_b, 404), (cast.village_head_a, 403), (cast.province_office, 403)):
        client.force_login(user)
        assert client.get(reverse("plans:programme_edit", args=[programme.pk])).status_code == expected
    client.force_login(cast.officer_b)
    assert client.get(reverse("plans:programme", args=[programme.pk])).status_code == 404


def test_a_title_target_outside_the_programmes_years_is_refused_and_nothing_is_written(
    client, cast, programme
):
    client.force_login(cast.officer_a)
    data = {
        "programme-name": programme.name,
        "programme-start_year": "2021",
        "programme-end_year": "2025",
        "titles-TOTAL_FORMS": "1",
        "titles-INITIAL_FORMS": "0",
        "titles-0-year": "2027",
        "titles-0-title": "model",
        "units-TOTAL_FORMS": "0",
        "units-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("plans:programme_edit", args=[programme.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Năm 2027 nằm ngoài giai đoạn 2021-2025 của chương trình." in page
    assert 'value="2027"' in page
    assert not programme.title_targets.exists()


def test_a_plan_form_refuses_a_programme_not_covering_its_year(client, cast, programme):
    client.force_login(cast.officer_a)
    data = {"name": "Kế hoạch", "year": "2027", "target_title": "keep_ntm", "programme": str(programme.pk)}
    response = client.post(reverse("plans:create", args=[cast.commune_a.key]), data)
    assert response.status_code == 200
    assert "chỉ gồm các năm 2021-2025, không có năm 2027." in response.content.decode()
    assert not Plan.objects.filter(year=2027).exists()


def test_the_commune_pages_lead_to_the_plan_and_programme_at_the_top(client, cast, programme):
    plan = make_plan(cast.commune_a, year=2024)
    client.force_login(cast.officer_a)
    for name in ("reports:commune", "reports:commune_detail"):
        page = client.get(reverse(name, args=[cast.commune_a.key]) + "?year=2024").content.decode()
        strip = page[page.index('data-testid="plan-strip"') :]
        assert reverse("plans:detail", args=[plan.pk]) in strip[:1500]
        assert reverse("plans:programme", args=[programme.pk]) in strip[:1500]
