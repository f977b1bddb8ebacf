"""Every page, workbook and roll-up of one scope shows the same figures, because they all take
them from the figures layer: for the 19-criterion set (with its reporting bands) and for a
10-criterion set that declares none."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from communes.models import Commune, District
from criteria.models import Assessment, CriteriaSet, Indicator, IndicatorValue
from criteria.services import assessment_evaluation, assessment_reevaluate
from reports import rollups
from reports.excel.rollup import KEY_COLUMN as ROLLUP_KEY
from reports.figures.scope import commune_sets, group_figures, scope_rows, total_figures
from reports.models import RollUp
from reports.services import summary_export

from ..excel_helpers import rows_by_key, workbook

HUONG_SON = "439"


def page(username: str, url: str) -> str:
    client = Client()
    client.login(username=username, password="NtmDemo@2025")
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def cell_text(html: str, testid: str) -> str:
    """The text of the element carrying `testid` (up to its closing tag)."""
    match = re.search(rf'<(\w+)[^>]*data-testid="{re.escape(testid)}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, testid
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(2)).split())


def built_rollup(iso_year: int, iso_week: int) -> RollUp:
    district = District.objects.get(code=HUONG_SON)
    rollup = rollups.rollup_request(
        unit=rollups.unit_ref(district), iso_year=iso_year, iso_week=iso_week, enqueue=False
    )
    return rollups.rollup_build(rollup_id=rollup.pk, send_mail=False)


def expected_figures(criteria_set: CriteriaSet, year: int):
    """The figures layer's own answer for the scope, the reference every output must match."""
    district = District.objects.get(code=HUONG_SON)
    communes = Commune.objects.filter(district=district)
    sets = commune_sets(district.province_id)
    scope = scope_rows(communes, criteria_set, year, sets, datetime.date.today())
    figures = total_figures(group_figures(communes, scope, year, "district_id"))
    return scope, figures


def check_agreement(criteria_set: CriteriaSet, year: int, iso_week: int) -> None:
    scope, figures = expected_figures(criteria_set, year)
    assessed = [row for row in scope.rows if row.assessment]
    assert assessed, "the scope must have assessed communes"
    # The stored evaluation the figures read is the live evaluation of the current values.
    for row in assessed:
        live = assessment_evaluation(
            Assessment.objects.select_related("criteria_set", "commune").get(pk=row.assessment.pk)
        )
        assert (live.criteria_met, live.criteria_total) == (row.criteria_met, row.assessment.criteria_total)
    query = f"?set={criteria_set.code}&year={year}"
    district_page = page("bcd.huongson", reverse("reports:district", args=["legacy-" + HUONG_SON]) + query)
    province_page = page("vpdp.hatinh", reverse("reports:province", args=["legacy-42"]) + query)
    rollup = built_rollup(year, iso_week)
    assert rollup.status == RollUp.State.DONE, rollup.error
    assert rollup.data["criteria_set"]["code"] == criteria_set.code
    frozen = {row["code"]: row for row in rollup.data["communes"]}
    rollup_sheet = workbook(rollup.file.read()).active
    rollup_rows = rows_by_key(rollup_sheet, ROLLUP_KEY)
    _name, content = summary_export(
        unit=District.objects.get(code=HUONG_SON), criteria_set=criteria_set, year=year
    )
    summary_sheet = workbook(content).active
    summary_key = max(column for column in range(1, summary_sheet.max_column + 1))
    summary_rows = rows_by_key(summary_sheet, summary_key)
    count_column = 3 + len(scope.criteria)
    for row in scope.rows:
        code = row.commune.code
        met = f"{row.criteria_met}/{row.assessment.criteria_total}" if row.assessment else None
        if met is None:
            continue
        band_text = row.band.label if row.band else met
        # The district dashboard, the commune dashboard, the roll-up and both workbooks.
        assert cell_text(district_page, f"met-{code}") == met
        assert cell_text(district_page, f"band-{code}") == band_text
        commune_page = page("bcd.huongson", reverse("reports:commune", args=[row.commune.key]) + query)
        assert re.search(rf'data-testid="criteria-met">{met}<', commune_page)
        assert (frozen[code]["criteria_met"], frozen[code]["criteria_total"]) == (
            row.criteria_met,
            row.assessment.criteria_total,
        )
        assert frozen[code]["band"] == (row.band.code if row.band else "")
        assert (frozen[code]["title"] or {}).get("state") == (row.title.state.value if row.title else None)
        line = rollup_rows[f"commune:{code}"]
        assert rollup_sheet.cell(row=line, column=4).value == row.criteria_met
        assert rollup_sheet.cell(row=line, column=5).value == band_text
        line = summary_rows[f"commune:{code}"]
        assert summary_sheet.cell(row=line, column=count_column).value == row.criteria_met
        assert summary_sheet.cell(row=line, column=count_column + 2).value == band_text
    # Totals: per band (or all criteria met where the set has no bands), per title state.
    totals = rollup.data["totals"]
    assert totals["assessed"] == figures.assessed == len(assessed)
    assert totals["bands"] == figures.bands
    assert totals["all_met"] == figures.all_met
    # The summary's band table: the count sits five columns right of the first criterion.
    band_count_column = 3 + 5
    for band in criteria_set.band_list():
        assert cell_text(district_page, f"fig-band-{band.code}") == str(figures.bands[band.code])
        line = summary_rows[f"band:{band.code}"]
        assert summary_sheet.cell(row=line, column=band_count_column).value == figures.bands[band.code]
    if not criteria_set.band_list():
        assert cell_text(district_page, "fig-all-met") == str(figures.all_met)
        assert "fig-band-" not in district_page
        line = summary_rows["band:all_met"]
        assert summary_sheet.cell(row=line, column=band_count_column).value == figures.all_met
    best = Counter(row.title.state.value for row in scope.rows if row.title)
    assert totals["titles"] == dict(best)
    for state in ("recognised", "confirmed", "eligible"):
        counted = figures.title_count(criteria_set.pk, state)
        assert cell_text(district_page, f"fig-title-{criteria_set.code}-{state}") == str(counted)
        line = summary_rows[f"title:{state}"]
        assert summary_sheet.cell(row=line, column=band_count_column).value == counted
    # The province overview's line for the district: recognised / confirmed / eligible.
    counts = [
        str(figures.title_count(criteria_set.pk, state)) for state in ("recognised", "confirmed", "eligible")
    ]
    assert cell_text(province_page, f"title-{HUONG_SON}-{criteria_set.code}") == " / ".join(counts)


def test_the_19_criterion_set_agrees_everywhere(demo):
    ntm = CriteriaSet.objects.get(code="xa_ntm_2021_2025")
    assert [band.code for band in ntm.band_list()][0] == "all"
    check_agreement(ntm, 2024, 10)


@pytest.fixture
def ten_criteria(demo):
    # The 2026-2030 commune set: 10 criteria, one yes/no stand-in each, no bands.
    criteria_set = CriteriaSet.objects.get(code="xa_ntm_2026_2030")
    indicators = list(
        Indicator.objects.filter(criterion__criteria_set=criteria_set).order_by("criterion__order")
    )
    # The demo's five communes of the district (the others of the official list have no data).
    communes = (
        Commune.objects.filter(district__code=HUONG_SON, assessments__year=2024).distinct().order_by("code")
    )
    # The communes meet 10, 9, 7, 4 and 2 of the 10 criteria.
    for met, commune in zip((10, 9, 7, 4, 2), communes, strict=False):
        assessment = Assessment.objects.create(criteria_set=criteria_set, commune=commune, year=2026)
        IndicatorValue.objects.bulk_create(
            IndicatorValue(assessment=assessment, indicator=item, flag=index < met)
            for index, item in enumerate(indicators)
        )
        assessment_reevaluate(assessment=assessment)
    return criteria_set


def test_a_10_criterion_set_without_bands_agrees_everywhere_and_shows_x_of_10(ten_criteria):
    assert ten_criteria.band_list() == []
    stored = Assessment.objects.filter(criteria_set=ten_criteria, commune__district__code=HUONG_SON)
    assert sorted(stored.values_list("criteria_met", "criteria_total")) == [
        (2, 10),
        (4, 10),
        (7, 10),
        (9, 10),
        (10, 10),
    ]
    check_agreement(ten_criteria, 2026, 10)


def test_after_a_national_threshold_changes_in_the_admin_every_output_agrees_with_the_live_evaluation(
    demo, django_capture_on_commit_callbacks
):
    """Criterion 17.1 of the NTM set stops being met by a stricter national value: the
    re-evaluation (eager here; on a real worker in tests/criteria/test_reevaluation.py) brings
    every stored result, page, workbook and roll-up to the live evaluation."""
    from django.contrib.auth import get_user_model

    from criteria.models import Threshold

    ntm = CriteriaSet.objects.get(code="xa_ntm_2021_2025")
    # A national threshold that Sơn Bằng's 2024 assessment meets today (a numeric one).
    son_bang = Assessment.objects.get(commune__code="18190", criteria_set=ntm, year=2024)
    used = [
        (indicator, result.threshold)
        for item in assessment_evaluation(son_bang).criteria
        for indicator, _value, result in item.results
        if result.met
        and result.threshold
        and result.threshold.province_id is None
        and result.threshold.value is not None
    ]
    indicator, row = used[0]
    threshold = Threshold.objects.get(
        indicator=indicator, province__isnull=True, classifier_value=row.classifier_value, year=row.year
    )
    before = dict(Assessment.objects.filter(criteria_set=ntm, year=2024).values_list("pk", "criteria_met"))
    admin = get_user_model().objects.get(username="admin")
    client = Client()
    client.force_login(admin)
    url = reverse("admin:criteria_threshold_change", args=[threshold.pk])
    form = client.get(url).context["adminform"].form
    data = {key: ("" if value is None else value) for key, value in form.initial.items()}
    data["value"] = "100" if threshold.indicator.kind.endswith("_min") else "0"
    data = {key: value.pk if hasattr(value, "pk") else value for key, value in data.items()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    threshold.refresh_from_db()
    assert threshold.value == Decimal(data["value"])
    after = dict(Assessment.objects.filter(criteria_set=ntm, year=2024).values_list("pk", "criteria_met"))
    assert after != before, "the stricter threshold must flip a criterion somewhere"
    check_agreement(ntm, 2024, 11)
