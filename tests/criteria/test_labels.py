"""One translated label table per kind of code: evaluation status, criterion-deadline status
and weekly report timeliness. Every code has its words, in Vietnamese and in English, and the
shared templates write them from the tables."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from criteria.evaluation import STATUS_LABELS, Status, status_label
from plans.deadlines import DEADLINE_LABELS, TIMELINESS_LABELS, DeadlineStatus, ReportState, Timeliness


@pytest.mark.parametrize(
    "table, codes",
    [(STATUS_LABELS, Status), (DEADLINE_LABELS, DeadlineStatus), (TIMELINESS_LABELS, Timeliness)],
)
def test_every_code_has_words_in_both_languages(table, codes):
    assert set(table) == set(codes)
    for code in codes:
        with translation.override("vi"):
            vietnamese = code.label
        with translation.override("en"):
            english = code.label
        assert vietnamese and english and vietnamese != english, code


def test_the_status_words_are_the_ones_the_pages_always_showed():
    with translation.override("vi"):
        assert [status.label for status in Status] == ["Đạt", "Chưa đạt", "Chưa nhập", "Chưa có ngưỡng"]
        assert status_label("") == status_label(None) == "Chưa nhập"


def test_the_status_badge_and_legend_read_the_table_in_the_active_language():
    with translation.override("en"):
        badge = render_to_string("includes/status_badge.html", {"status": "not_met"})
        legend = render_to_string("reports/_legend.html")
        words = [status.label for status in Status]
    assert "✗ Not met" in badge
    assert all(word in legend for word in words) and "Chưa" not in legend


def test_the_timeliness_and_deadline_badges_read_the_tables():
    with translation.override("en"):
        missing = render_to_string("plans/_timeliness.html", {"state": ReportState(Timeliness.MISSING)})
        overdue = render_to_string("reports/_deadline_status.html", {"status": "overdue"})
        at_risk = render_to_string("plans/_deadline_status.html", {"status": "at_risk"})
    assert "Not submitted" in missing and "Overdue" in overdue and "At risk" in at_risk
