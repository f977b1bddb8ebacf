"""The province office's changes of its communes' groups and flags (what the 2026-2030
thresholds depend on), and their history.

Every change goes through `commune_classification_update`: in one transaction, with the
decision it cites, recorded in the communes' history (django-simple-history) and announced by
`classification_changed` so that the affected assessments are re-evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from .models import AdminMap, Commune, Province
from .signals import classification_changed

FIELDS = ("commune_group", "is_especially_difficult", "is_safe_zone")
MAX_DECISION = 300
# The province page lists this many of the newest records (and so at most as many changes).
HISTORY_LIMIT = 200


@dataclass(frozen=True)
class Classification:
    """A commune's group (1, 2, 3 or None) and flags."""

    commune_group: int | None
    is_especially_difficult: bool
    is_safe_zone: bool

    @classmethod
    def of(cls, row) -> Classification:
        """Of a commune or of one of its historical records."""
        return cls(**{name: getattr(row, name) for name in FIELDS})

    def labels(self) -> dict[str, str]:
        return {
            "commune_group": str(self.commune_group) if self.commune_group else "—",
            "is_especially_difficult": _("Có") if self.is_especially_difficult else _("Không"),
            "is_safe_zone": _("Có") if self.is_safe_zone else _("Không"),
        }


@dataclass(frozen=True)
class ClassificationChange:
    commune: Commune
    old: Classification
    new: Classification

    @property
    def fields(self) -> list[tuple[str, str, str]]:
        """(field, old label, new label) of the fields that change."""
        old, new = self.old.labels(), self.new.labels()
        return [(name, old[name], new[name]) for name in FIELDS if old[name] != new[name]]

    @property
    def labelled_fields(self) -> list[tuple[str, str, str]]:
        """(field's label, old, new) of the fields that change."""
        return [(field_label(name), before, after) for name, before, after in self.fields]


class ClassificationRefused(ValueError):
    """The change cannot be made as asked; the message says why."""


def office_communes(province: Province):
    """The communes whose groups and flags the province office sets: its communes on the
    current map."""
    return Commune.objects.filter(province=province, map=AdminMap.CURRENT)


def classification_changes(
    communes: list[Commune], wanted: dict[int, Classification]
) -> list[ClassificationChange]:
    """What setting `wanted` (commune id → classification) would change, in `communes`' order."""
    changes = []
    for commune in communes:
        new = wanted.get(commune.pk)
        old = Classification.of(commune)
        if new is not None and new != old:
            changes.append(ClassificationChange(commune=commune, old=old, new=new))
    return changes


@transaction.atomic
def commune_classification_update(
    *, user, province: Province, wanted: dict[int, Classification], decision: str
) -> list[ClassificationChange]:
    """Set the groups and flags of the province's communes (id → classification), citing
    `decision`; communes already so are left alone. Returns what changed. Every commune must
    be one of the province's communes of the current map, else nothing is changed."""
    decision = decision.strip()
    if not decision:
        raise ClassificationRefused(_("Hãy ghi căn cứ / số quyết định của thay đổi."))
    if len(decision) > MAX_DECISION:
        raise ClassificationRefused(
            _("Căn cứ / số quyết định quá dài (tối đa %(limit)s ký tự).") % {"limit": MAX_DECISION}
        )
    communes = list(office_communes(province).filter(pk__in=list(wanted)).select_for_update().order_by("pk"))
    if len(communes) != len(wanted):
        raise ClassificationRefused(_("Có xã không thuộc tỉnh %(province)s.") % {"province": province.name})
    changes = classification_changes(communes, wanted)
    if not changes:
        return []
    _record_state_before(communes=[change.commune for change in changes])
    for change in changes:
        for name in FIELDS:
            setattr(change.commune, name, getattr(change.new, name))
    bulk_update_with_history(
        [change.commune for change in changes],
        Commune,
        list(FIELDS),
        default_user=user,
        default_change_reason=decision,
    )
    classification_changed.send(sender=Commune, commune_ids=[change.commune.pk for change in changes])
    return changes


def _record_state_before(*, communes: list[Commune]) -> None:
    """Communes written by the loaders (bulk writes) have no history yet: record their state
    as it is before the change, so that the change's old values are on record too."""
    recorded = set(Commune.history.filter(id__in=[c.pk for c in communes]).values_list("id", flat=True))
    missing = [commune for commune in communes if commune.pk not in recorded]
    if missing:
        Commune.history.bulk_history_create(missing, default_date=timezone.now())


# --- History ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassificationEvent:
    at: datetime
    by: str
    commune: str
    commune_code: str
    fields: list[tuple[str, str, str]]
    decision: str


FIELD_LABELS = {
    "commune_group": gettext_lazy("Nhóm xã"),
    "is_especially_difficult": gettext_lazy("Xã ĐBKK"),
    "is_safe_zone": gettext_lazy("Xã ATK"),
}


def field_label(name: str) -> str:
    return str(FIELD_LABELS[name])


def _who(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def _previous(name: str) -> Subquery:
    earlier = Commune.history.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
    return Subquery(earlier.order_by("-history_id").values(name)[:1])


def classification_events(records, limit: int | None = None) -> list[ClassificationEvent]:
    """The changes of groups and flags among historical `records` (a queryset of
    `Commune.history`; the newest `limit` of them), newest first, each against the record
    before it: one query. A record without one before it (the first state on record) and one
    that changed other fields only are not changes of groups or flags."""
    records = (
        records.select_related("history_user")
        .annotate(
            previous_id=_previous("history_id"), **{f"previous_{name}": _previous(name) for name in FIELDS}
        )
        .order_by("-history_id")
    )
    events = []
    for record in records[:limit]:
        if record.previous_id is None:
            continue
        old = Classification(**{name: getattr(record, f"previous_{name}") for name in FIELDS})
        change = ClassificationChange(commune=record, old=old, new=Classification.of(record))
        fields = change.labelled_fields
        if not fields:
            continue
        events.append(
            ClassificationEvent(
                at=record.history_date,
                by=_who(record.history_user),
                commune=record.name,
                commune_code=record.code,
                fields=fields,
                decision=record.history_change_reason or "",
            )
        )
    return events


def province_classification_events(province: Province) -> list[ClassificationEvent]:
    """The newest changes of the province's communes' groups and flags."""
    records = Commune.history.filter(province_id=province.pk, map=AdminMap.CURRENT)
    return classification_events(records, limit=HISTORY_LIMIT)


def commune_classification_events(commune: Commune) -> list[ClassificationEvent]:
    return classification_events(Commune.history.filter(id=commune.pk))
