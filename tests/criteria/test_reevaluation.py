"""Stored results are never stale: a change of a threshold (in the admin or by load_catalogue) or
of a commune's classification re-evaluates exactly the affected assessments in a task enqueued
on commit, and the pages say so while it runs."""

import re
import shutil
import time
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import Region
from criteria import evaluation
from criteria.evaluation import Status
from criteria.loader import CATALOGUE_DIR
from criteria.models import Assessment, CriteriaSet, CriterionResult, IndicatorValue, Threshold
from criteria.services import _clear_pending, assessment_evaluation, assessments_reevaluate, set_catalogue

from ..conftest import ADVANCED_SET
from ..excel_helpers import assess
from ..factories import CommuneFactory

PENDING_TEXT = "Đang cập nhật kết quả đánh giá…"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- Helpers ---------------------------------------------------------------------------


class _FormFields(HTMLParser):
    """The fields a browser would post from the page's main form (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data[self._textarea][0] = self.data[self._textarea][0].removeprefix("\n")
            self._textarea = None


def admin_change(client, model: str, obj, **changes) -> None:
    """Post the admin change form of `obj` as a browser would, with `changes` typed in."""
    url = reverse(f"admin:{model}_change", args=[obj.pk])
    parser = _FormFields()
    parser.feed(client.get(url).content.decode())
    data = {name: values for name, values in parser.data.items() if values}
    data |= {name: [str(value)] for name, value in changes.items()} | {"_save": ["Lưu"]}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def flippable_threshold(assessment: Assessment) -> Threshold:
    """A national threshold of a met criterion whose raise above the value (90) un-meets it."""
    outcome = assessment_evaluation(assessment)
    for item in outcome.criteria:
        if not item.met:
            continue
        for indicator, _value, result in item.results:
            row = result.threshold
            if indicator.kind in ("percent_min", "number_min") and row and row.province_id is None:
                return Threshold.objects.get(
                    indicator=indicator, classifier_value=row.classifier_value, year=row.year, province=None
                )
    raise AssertionError("no met criterion with a numeric minimum")


def assert_stored_equals_live(assessment: Assessment) -> None:
    """The stored totals, every criterion result and every indicator status equal the live
    evaluation."""
    assessment = Assessment.objects.select_related("criteria_set").get(pk=assessment.pk)
    live = assessment_evaluation(assessment, set_catalogue(assessment.criteria_set))
    assert (assessment.criteria_met, assessment.criteria_total) == (live.criteria_met, live.criteria_total)
    assert (assessment.indicators_met, assessment.indicators_total) == (
        live.indicators_met,
        live.indicators_total,
    )
    prerequisite = assessment.criteria_set.prerequisite_id
    assert assessment.title_qualified == evaluation.title_qualified(
        assessment.criteria_set.title_requirement(),
        live.criteria_met,
        live.criteria_total,
        None
        if prerequisite is None
        else Assessment.objects.filter(
            criteria_set_id=prerequisite,
            commune=assessment.commune,
            year=assessment.year,
            title_qualified=True,
        ).exists(),
    )
    stored = {
        result.criterion_id: (result.status, result.indicators_met, result.indicators_total)
        for result in CriterionResult.objects.filter(assessment=assessment)
    }
    assert stored == {
        item.criterion.pk: (item.status.value, item.indicators_met, item.indicators_total)
        for item in live.criteria
    }
    statuses = dict(
        IndicatorValue.objects.filter(assessment=assessment).values_list("indicator_id", "status")
    )
    for item in live.criteria:
        for indicator, _value, result in item.results:
            if indicator.pk in statuses:
                assert statuses[indicator.pk] == result.status.value, indicator.code


def page_figures(client, assessment: Assessment) -> tuple[str, str, str]:
    """Criteria met as the commune page, its list of assessments and the commune dashboard show it."""
    query = {"set": assessment.criteria_set.code, "year": assessment.year}
    commune_page = client.get(reverse("reports:commune_detail", args=[assessment.commune.key]), query)
    dashboard = client.get(reverse("reports:commune", args=[assessment.commune.key]), query)
    page_text = commune_page.content.decode()
    listed = re.search(
        rf'href="{reverse("criteria:entry", args=[assessment.pk])}">.*?</a>\s*<span>(\d+/\d+)',
        page_text,
        re.S,
    )
    return (
        re.search(r'data-testid="criteria-met">([^<]+)<', page_text).group(1).strip(),
        listed.group(1),
        re.search(r'data-testid="criteria-met">([^<]+)<', dashboard.content.decode()).group(1).strip(),
    )


def assert_pages_agree(client, assessment: Assessment) -> None:
    assessment.refresh_from_db()
    expected = f"{assessment.criteria_met}/{assessment.criteria_total}"
    assert page_figures(client, assessment) == (expected, expected, expected)


def wait_for(condition, timeout: float = 60, step: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s")


def reevaluated(assessment: Assessment) -> bool:
    return not Assessment.objects.filter(pk=assessment.pk).pending_reevaluation().exists()


def spoil(*assessments: Assessment) -> None:
    """Make stored results visibly wrong, to see which ones a change re-evaluates."""
    Assessment.objects.filter(pk__in=[a.pk for a in assessments]).update(criteria_met=99)


def edited_catalogue(tmp_path, threshold: Threshold, value: int):
    """A copy of the threshold's catalogue file with that national threshold set to `value`."""
    criteria_set = threshold.indicator.criterion.criteria_set
    path = tmp_path / criteria_set.source_file
    shutil.copy(CATALOGUE_DIR / criteria_set.source_file, path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    (spec,) = [item for item in data["criteria_sets"] if item["code"] == criteria_set.code]
    (indicator,) = [
        indicator
        for criterion in spec["criteria"]
        for indicator in criterion.get("indicators") or []
        if str(indicator["code"]) == threshold.indicator.code
    ]
    key = threshold.classifier_value or "*"
    if threshold.year is None:
        indicator["thresholds"][key] = value
    else:
        indicator["thresholds_by_year"][threshold.year][key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- On a real worker (PostgreSQL and Redis in CI) ----------------------------------------


@pytest.mark.redis
def test_a_national_threshold_changed_in_the_admin_is_reevaluated_on_the_worker(
    celery_worker_on_redis, client, cast, catalogue
):
    assessment = assess(catalogue, cast.commune_a)
    other = assess(catalogue, cast.commune_b)
    threshold = flippable_threshold(assessment)
    criterion = threshold.indicator.criterion
    met_before = Assessment.objects.get(pk=assessment.pk).criteria_met
    client.force_login(cast.admin)

    admin_change(client, "criteria_threshold", threshold, value="95")

    wait_for(lambda: reevaluated(assessment) and reevaluated(other))
    assert Assessment.objects.get(pk=assessment.pk).criteria_met == met_before - 1
    assert CriterionResult.objects.get(assessment=assessment, criterion=criterion).status == Status.NOT_MET
    assert_stored_equals_live(assessment)
    assert_stored_equals_live(other)
    assert_pages_agree(client, assessment)


@pytest.mark.redis
def test_a_national_threshold_changed_by_load_catalogue_is_reevaluated_on_the_worker(
    celery_worker_on_redis, client, cast, catalogue, tmp_path
):
    assessment = assess(catalogue, cast.commune_a)
    threshold = flippable_threshold(assessment)
    met_before = Assessment.objects.get(pk=assessment.pk).criteria_met

    call_command("load_catalogue", edited_catalogue(tmp_path, threshold, 95), verbosity=0)

    wait_for(lambda: reevaluated(assessment))
    assert Threshold.objects.get(pk=threshold.pk).value == 95
    assert Assessment.objects.get(pk=assessment.pk).criteria_met == met_before - 1
    assert_stored_equals_live(assessment)
    client.force_login(cast.admin)
    assert_pages_agree(client, assessment)


# --- Eagerly (no Redis: tasks run in-process) ------------------------------------------------


def test_a_threshold_change_in_the_admin_is_reevaluated_eagerly_on_commit(
    client, cast, catalogue, django_capture_on_commit_callbacks
):
    assessment = assess(catalogue, cast.commune_a)
    threshold = flippable_threshold(assessment)
    met_before = Assessment.objects.get(pk=assessment.pk).criteria_met
    client.force_login(cast.admin)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        admin_change(client, "criteria_threshold", threshold, value="95")

    assert len(callbacks) == 1
    assert reevaluated(assessment)
    assert Assessment.objects.get(pk=assessment.pk).criteria_met == met_before - 1
    assert_stored_equals_live(assessment)
    assert_pages_agree(client, assessment)


def test_load_catalogue_reevaluates_only_the_sets_whose_content_changed(
    cast, catalogue, tmp_path, django_capture_on_commit_callbacks
):
    assessment = assess(catalogue, cast.commune_a)
    advanced = assess(CriteriaSet.objects.get(code=ADVANCED_SET), cast.commune_a)
    threshold = flippable_threshold(assessment)

    with django_capture_on_commit_callbacks(execute=False) as unchanged:
        call_command("load_catalogue", CATALOGUE_DIR / catalogue.source_file, verbosity=0)
    assert unchanged == [] and reevaluated(assessment) and reevaluated(advanced)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("load_catalogue", edited_catalogue(tmp_path, threshold, 95), verbosity=0)
    assert not reevaluated(assessment)
    assert reevaluated(advanced)  # the advanced set's content is the same

    for callback in callbacks:
        callback()
    assert reevaluated(assessment)
    assert_stored_equals_live(assessment)
    assert_stored_equals_live(advanced)


def test_a_commune_region_changed_in_the_admin_reevaluates_only_that_commune(
    client, cast, catalogue, django_capture_on_commit_callbacks
):
    assessment = assess(catalogue, cast.commune_a, value=Decimal(60))
    other = assess(catalogue, cast.commune_b, value=Decimal(60))
    spoil(assessment, other)
    client.force_login(cast.admin)

    with django_capture_on_commit_callbacks(execute=True):
        admin_change(client, "communes_commune", cast.commune_a, region=Region.objects.get(code="tdmnpb").pk)

    assert reevaluated(assessment)
    assert_stored_equals_live(assessment)
    assert Assessment.objects.get(pk=other.pk).criteria_met == 99


def test_a_commune_name_changed_in_the_admin_reevaluates_nothing(
    client, cast, catalogue, django_capture_on_commit_callbacks
):
    assessment = assess(catalogue, cast.commune_a)
    spoil(assessment)
    client.force_login(cast.admin)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        admin_change(client, "communes_commune", cast.commune_a, name="Sơn Bằng mới")

    assert callbacks == []
    assert Assessment.objects.get(pk=assessment.pk).criteria_met == 99


def test_a_province_threshold_reevaluates_only_that_province(
    client, cast, catalogue, django_capture_on_commit_callbacks
):
    assessment = assess(catalogue, cast.commune_a)
    same_province = assess(catalogue, cast.commune_b)
    elsewhere = assess(catalogue, CommuneFactory())
    threshold = flippable_threshold(assessment)
    spoil(assessment, same_province, elsewhere)
    client.force_login(cast.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:criteria_threshold_add"),
            {
                "indicator": threshold.indicator_id,
                "classifier_value": "",
                "year": "",
                "province": cast.province.pk,
                "value": "95",
                "level": "",
                "flag": "unknown",
                "source": "QĐ thử của tỉnh",
                "_save": "Lưu",
            },
        )
    assert response.status_code == 302

    for item in (assessment, same_province):
        assert reevaluated(item)
        assert_stored_equals_live(item)
    assert CriterionResult.objects.get(
        assessment=assessment, criterion=threshold.indicator.criterion
    ).status == (Status.NOT_MET)
    assert Assessment.objects.get(pk=elsewhere.pk).criteria_met == 99


def test_the_pages_say_it_is_updating_until_the_task_has_run(
    client, cast, catalogue, django_capture_on_commit_callbacks
):
    assessment = assess(catalogue, cast.commune_a)
    threshold = flippable_threshold(assessment)
    client.force_login(cast.officer_a)
    admin = client.__class__()
    admin.force_login(cast.admin)
    pages = [
        reverse("reports:commune_detail", args=[cast.commune_a.key]),
        reverse("criteria:entry", args=[assessment.pk]),
        reverse("reports:commune", args=[cast.commune_a.key]),
    ]
    query = {"set": catalogue.code, "year": assessment.year}
    assert all(PENDING_TEXT not in client.get(url, query).content.decode() for url in pages)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        admin_change(admin, "criteria_threshold", threshold, value="95")

    assert not reevaluated(assessment)
    assert all(PENDING_TEXT in client.get(url, query).content.decode() for url in pages)
    for callback in callbacks:
        callback()
    assert reevaluated(assessment)
    assert all(PENDING_TEXT not in client.get(url, query).content.decode() for url in pages)


def test_an_older_task_does_not_clear_a_newer_request(cast, catalogue):
    assessment = assess(catalogue, cast.commune_a)
    Assessment.objects.filter(pk=assessment.pk).update(reevaluation_requested_at="2026-12-01T08:00:00+07:00")
    stale = Assessment.objects.get(pk=assessment.pk)
    # A second change asks again after the task read the row: the task must leave its mark.
    Assessment.objects.filter(pk=assessment.pk).update(reevaluation_requested_at="2026-12-01T08:00:05+07:00")
    _clear_pending([stale])
    assert not reevaluated(assessment)
    assessments_reevaluate(criteria_set_ids=[catalogue.pk])
    assert reevaluated(assessment)


def reevaluation_queries(criteria_set, communes) -> int:
    assessments = [assess(criteria_set, commune) for commune in communes]
    spoil(*assessments)
    with CaptureQueriesContext(connection) as queries:
        assert assessments_reevaluate(commune_ids=[commune.pk for commune in communes]) == len(communes)
    for assessment in assessments:
        assert_stored_equals_live(assessment)
    return len(queries)


def test_a_batch_costs_the_same_queries_whatever_its_size(cast, catalogue):
    # regions, sets, ids; per batch: savepoint, locked rows, catalogue (3), values, criterion
    # results, totals, dependants' titles, store savepoint (2), release.
    one = reevaluation_queries(catalogue, [cast.commune_a])
    ten = reevaluation_queries(catalogue, [CommuneFactory() for _ in range(10)])
    assert one == ten <= 16
