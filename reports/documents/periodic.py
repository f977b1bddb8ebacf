"""The periodic report as a document: its sections written from the figures of
`reports.figures.periodic` and the texts the official wrote, frozen when it is asked for."""

from __future__ import annotations

from django.utils.translation import gettext as _

from criteria.evaluation import format_number

from ..figures.periodic import PeriodicContent


def _number(value) -> str:
    return format_number(value) if value is not None else "—"


def periodic_sections(report, content: PeriodicContent) -> list[dict]:
    """I. results (criteria, plan targets, work, weekly reports, recognitions, funds), II.
    difficulties, III. next period's tasks; a province's or district's report has its
    communes' counts and who has submitted in place of the criteria of one commune."""
    results: list[dict] = [{"heading": _("I. KẾT QUẢ THỰC HIỆN TRONG KỲ")}]
    lines = [_("Số liệu tính đến ngày %(day)s.") % {"day": content.as_of.strftime("%d/%m/%Y")}]
    if content.criteria_set_name:
        lines.append(_("Bộ tiêu chí: %(name)s.") % {"name": content.criteria_set_name})
    if content.level == "commune":
        if content.met_now is not None:
            band = f" ({content.band_label})" if content.band_label else ""
            lines.append(
                _("Số tiêu chí đạt hiện tại: %(met)s/%(total)s%(band)s.")
                % {"met": content.met_now, "total": content.criteria_total, "band": band}
            )
        else:
            lines.append(_("Xã chưa có hồ sơ đánh giá."))
        if content.met_at_start is not None:
            lines.append(
                _("Số tiêu chí đạt đầu kỳ: %(met)s/%(total)s.")
                % {"met": content.met_at_start, "total": content.criteria_total}
            )
        elif content.start_note:
            lines.append(_("Số tiêu chí đạt đầu kỳ: %(note)s.") % {"note": content.start_note})
        if content.newly_met:
            lines.append(
                _("Tiêu chí mới đạt: %(list)s.")
                % {"list": "; ".join(f"{c.code}. {c.name}" for c in content.newly_met)}
            )
        if content.lost:
            lines.append(
                _("Tiêu chí không còn đạt: %(list)s.")
                % {"list": "; ".join(f"{c.code}. {c.name}" for c in content.lost)}
            )
        results.append({"paragraphs": lines})
        results += _plan(content)
    else:
        lines.append(
            _("%(communes)s xã, %(assessed)s xã có hồ sơ đánh giá.")
            % {"communes": content.communes or 0, "assessed": content.assessed or 0}
        )
        lines += [f"{line.label}: {line.count}." for line in content.bands + content.titles]
        results.append({"paragraphs": lines})
        if content.submissions:
            results.append(
                {
                    "paragraphs": [_("Tình hình nộp báo cáo kỳ này của các đơn vị:")],
                    "table": {
                        "headers": [_("TT"), _("Đơn vị"), _("Trạng thái"), _("Đúng hạn / muộn")],
                        "rows": [
                            [str(n), line.unit_name, line.status_label, line.timeliness_label or "—"]
                            for n, line in enumerate(content.submissions, start=1)
                        ],
                        "widths": [1.2, 7, 4.3, 4],
                    },
                }
            )
    compliance = content.compliance
    if compliance and compliance.expected:
        weekly = _(
            "Báo cáo tuần của các thôn: %(on_time)s đúng hạn, %(late)s muộn, %(missing)s chưa nộp trên "
            "%(expected)s báo cáo phải nộp."
        ) % {
            "on_time": compliance.on_time,
            "late": compliance.late,
            "missing": compliance.missing,
            "expected": compliance.expected,
        }
    else:
        weekly = _("Không có tuần nào phải báo cáo trong kỳ.")
    decisions = [
        f"{line.unit_name} · {line.set_name}: "
        + (line.decision_number or _("(minh họa, không có số quyết định)"))
        + f" {line.decision_date.strftime('%d/%m/%Y')}"
        + (f" ({_('đã thu hồi')})" if line.revoked else "")
        for line in content.recognitions
    ]
    results.append(
        {
            "paragraphs": [
                weekly,
                _("Quyết định công nhận trong kỳ: %(list)s.")
                % {"list": "; ".join(decisions) if decisions else _("không có")},
                _("Nguồn vốn huy động trong kỳ: %(note)s")
                % {
                    "note": "; ".join(
                        _("%(source)s %(amount)s triệu đồng")
                        % {"source": line.label, "amount": format_number(line.amount)}
                        for line in content.funds
                    )
                    or content.funds_note
                },
            ]
        }
    )
    if report.other_results:
        results.append({"paragraphs": [report.other_results]})
    if content.illustrative:
        results.append({"paragraphs": [_("(Số liệu minh họa.)")], "italic": True})
    return results + [
        {"heading": _("II. KHÓ KHĂN, VƯỚNG MẮC"), "paragraphs": [report.difficulties or "…"]},
        {"heading": _("III. NHIỆM VỤ, GIẢI PHÁP KỲ TỚI"), "paragraphs": [report.next_tasks or "…"]},
    ]


def _plan(content: PeriodicContent) -> list[dict]:
    if not content.plan_name:
        return [{"paragraphs": [content.plan_note]}] if content.plan_note else []
    lines = [content.plan_name + "."]
    if content.plan_target_met is not None:
        reached = _("đã đạt mục tiêu") if content.plan_reached else _("chưa đạt mục tiêu")
        lines.append(
            _("Mục tiêu: đạt %(target)s/%(total)s tiêu chí; %(reached)s.")
            % {"target": content.plan_target_met, "total": content.criteria_total, "reached": reached}
        )
    lines += [
        _("Tiêu chí %(code)s. %(name)s (hạn quý %(quarter)s): %(status)s.")
        % {"code": line.code, "name": line.name, "quarter": line.quarter, "status": line.status_label}
        for line in content.deadlines
    ]
    for line in content.targets:
        if line.actual is None:
            actual = _("chưa có số liệu")
        else:
            actual = f"{_number(line.actual)} {line.unit}".strip() + f" ({line.actual_on:%d/%m/%Y})"
        lines.append(f"{line.statement}: {actual}; {line.status_label}.")
    section: dict = {"paragraphs": lines}
    if content.work:
        section["table"] = {
            "headers": [_("Hạng mục"), _("Kế hoạch"), _("Đã làm"), "%"],
            "rows": [
                [
                    f"{line.name} ({line.unit})",
                    _number(line.target),
                    _number(line.done),
                    _number(line.percent),
                ]
                for line in content.work
            ],
            "widths": [8.5, 2.8, 2.8, 2.4],
        }
    return [section]
