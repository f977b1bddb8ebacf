"""Asking for stored evaluations to be recomputed after a change that can alter them.

A stored evaluation (criteria met, criterion results, indicator statuses, title) is a cache of
the live evaluation. Whatever changes an input of it (a threshold, an indicator, a criterion, a
set, a commune's region, group or flags) calls a request below: the affected assessments are
marked pending at once, in the change's own transaction, and the re-evaluation task is enqueued
when that transaction commits.

Kept apart from `services.py` because it imports the task, which imports the services.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from ntm.celery import enqueue

from . import services, tasks

# (criteria set id, province id): a province threshold changes that province's assessments
# of the set only; None stands for the whole country.
Scope = tuple[int, int | None]

logger = logging.getLogger("ntm.queue")


def assessments_reevaluation_request(
    *,
    criteria_set_ids: list[int] | None = None,
    commune_ids: list[int] | None = None,
    province_id: int | None = None,
) -> int:
    """Mark the scope's assessments pending and enqueue their re-evaluation on commit; returns
    how many were marked (nothing is enqueued when none is affected)."""
    scope = {"criteria_set_ids": criteria_set_ids, "commune_ids": commune_ids, "province_id": province_id}
    marked = services.assessments_mark_pending(**scope)
    if marked:
        transaction.on_commit(
            lambda: enqueue(
                tasks.assessments_reevaluate,
                criteria_set_ids,
                commune_ids,
                province_id,
                on_failure=lambda _error: _reevaluate_here(scope),
            )
        )
    return marked


def _reevaluate_here(scope: dict) -> None:
    """Without a broker the results must not stay stale: recompute them in this process."""
    logger.warning("Re-evaluating in process, the queue is unavailable: %r", scope)
    services.assessments_reevaluate(**scope)


def catalogue_reevaluation_request(*, scopes: Iterable[Scope]) -> int:
    """One request for the sets changed nationally, one per province for province-only
    changes (a set changed nationally covers its provinces too)."""
    scopes = list(scopes)
    national = {set_id for set_id, province_id in scopes if province_id is None}
    by_province: dict[int, set[int]] = defaultdict(set)
    for set_id, province_id in scopes:
        if province_id is not None and set_id not in national:
            by_province[province_id].add(set_id)
    marked = 0
    if national:
        marked += assessments_reevaluation_request(criteria_set_ids=sorted(national))
    for province_id, set_ids in sorted(by_province.items()):
        marked += assessments_reevaluation_request(criteria_set_ids=sorted(set_ids), province_id=province_id)
    return marked


def classification_changed_receiver(sender, *, commune_ids: Iterable[int], **kwargs) -> None:
    """Connected to `communes.signals.classification_changed`: only asks for re-evaluation."""
    commune_ids = sorted(set(commune_ids))
    if commune_ids:
        assessments_reevaluation_request(commune_ids=commune_ids)
