"""A commune's past across the 2025 reorganisation: the old communes a new commune was formed
from, with what they recorded in 2021-2025 (assessments, recognitions, plans), and the new
communes an old one became part of. Read-only history, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from communes.models import Commune, CommuneSuccession
from criteria.models import Assessment, Recognition
from plans.models import Plan


@dataclass
class PastCommune:
    """One old commune with its recorded history (empty lists: nothing was recorded)."""

    commune: Commune
    # Whether the new commune is the old one's default successor (an old commune split across
    # several new ones has one default).
    is_default: bool
    assessments: list[Assessment] = field(default_factory=list)
    recognitions: list[Recognition] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)

    @property
    def has_history(self) -> bool:
        return bool(self.assessments or self.recognitions or self.plans)

    @property
    def label(self) -> str:
        return f"{self.commune.get_kind_display() or _('Xã')} {self.commune.name}"


@dataclass
class Lineage:
    """What a commune page shows of the reorganisation."""

    # New map: the old communes it was formed from, with history, and those without any.
    predecessors: list[PastCommune] = field(default_factory=list)
    quiet_predecessors: list[PastCommune] = field(default_factory=list)
    # Old map: the new communes it became part of.
    successors: list[CommuneSuccession] = field(default_factory=list)


def commune_lineage(commune: Commune) -> Lineage:
    """Four queries for a new commune with predecessors, one for an old commune."""
    if commune.is_legacy:
        return Lineage(successors=successors_of(commune))
    past = predecessor_history(commune)
    return Lineage(
        predecessors=[item for item in past if item.has_history],
        quiet_predecessors=[item for item in past if not item.has_history],
    )


def predecessor_history(commune: Commune) -> list[PastCommune]:
    """The old communes `commune` was formed from, those with history first, each with its
    commune assessments (latest year first), recognitions and plans. Four queries; none for a
    commune of the old map."""
    if commune.is_legacy:
        return []
    links = list(
        CommuneSuccession.objects.filter(successor=commune)
        .select_related("predecessor__district")
        .order_by("predecessor__name")
    )
    past = {link.predecessor_id: PastCommune(link.predecessor, link.is_default_successor) for link in links}
    if not past:
        return []
    for assessment in (
        Assessment.objects.filter(commune_id__in=past)
        .select_related("criteria_set")
        .order_by("-year", "criteria_set__code")
    ):
        past[assessment.commune_id].assessments.append(assessment)
    for recognition in (
        Recognition.objects.filter(commune_id__in=past)
        .select_related("criteria_set")
        .order_by("-decision_date")
    ):
        past[recognition.commune_id].recognitions.append(recognition)
    for plan in Plan.objects.filter(commune_id__in=past).order_by("-year"):
        past[plan.commune_id].plans.append(plan)
    return sorted(past.values(), key=lambda item: not item.has_history)


def successors_of(commune: Commune) -> list[CommuneSuccession]:
    """The links from an old commune to the new communes it became part of, the default
    successor first. One query; none for a commune of the new map."""
    if not commune.is_legacy:
        return []
    return list(
        CommuneSuccession.objects.filter(predecessor=commune)
        .select_related("successor__province")
        .order_by("-is_default_successor", "successor__name")
    )
