"""The roll-up e-mail: rendered from templates out of the roll-up's frozen figures, sent once
per roll-up to the committee that receives it."""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from communes.models import Role

from .models import RollUp
from .weeks import week_bounds

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def committee_emails(rollup: RollUp) -> list[str]:
    """The committee that receives the roll-up: the district committee, or for a province's
    own roll-up its coordination office."""
    if rollup.district_id:
        roles = Role.objects.filter(kind=Role.Kind.DISTRICT_COMMITTEE, district_id=rollup.district_id)
    else:
        roles = Role.objects.filter(kind=Role.Kind.PROVINCE_OFFICE, province_id=rollup.province_id)
    emails = roles.filter(user__is_active=True).exclude(user__email="").values_list("user__email", flat=True)
    return sorted(set(emails))


def unit_label(rollup: RollUp) -> str:
    if rollup.district_id:
        return _("Huyện %(name)s") % {"name": rollup.district.name}
    return _("Tỉnh %(name)s") % {"name": rollup.province.name}


def rollup_message_context(rollup: RollUp) -> dict:
    monday, sunday = week_bounds(rollup.iso_year, rollup.iso_week)
    return {
        "rollup": rollup,
        "unit": unit_label(rollup),
        "start": monday,
        "end": sunday,
        "totals": rollup.data.get("totals", {}),
    }


def rollup_subject(rollup: RollUp) -> str:
    text = render_to_string("reports/email/rollup_subject.txt", rollup_message_context(rollup))
    return " ".join(text.split())


def rollup_body(rollup: RollUp) -> str:
    return render_to_string("reports/email/rollup_body.txt", rollup_message_context(rollup)).strip() + "\n"


def rollup_send(*, rollup: RollUp, content: bytes) -> int:
    """Mail the workbook once per roll-up (a conditional claim on `emailed_at`)."""
    recipients = committee_emails(rollup)
    if not recipients:
        return 0
    if not RollUp.objects.filter(pk=rollup.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()):
        return 0
    with translation.override("vi"):
        message = EmailMessage(rollup_subject(rollup), rollup_body(rollup), None, recipients)
    message.attach(rollup.filename, content, XLSX)
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - the roll-up stays built; the page shows the error
        logger.exception("Roll-up %s: mail failed", rollup.pk)
        with translation.override("vi"):
            text = _("Không gửi được thư: %(error)s") % {"error": str(error)[:300]}
        RollUp.objects.filter(pk=rollup.pk).update(emailed_at=None, error=text)
        return 0
    return len(recipients)
