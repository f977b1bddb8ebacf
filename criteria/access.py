"""Who may do what with an assessment, decided here once: views fetch an assessment with
`get_assessment_for_user` (404 outside the user's units) and get what the user may do with it;
services check the same rules before they write."""

from __future__ import annotations

from dataclasses import dataclass

from communes.access import get_visible_or_404, is_committee, is_commune_officer, is_village_head

from .models import Assessment

ASSESSMENT_RELATED = (
    "criteria_set",
    "commune__province__region",
    "commune__region",
    "commune__district",
    "village__commune__province__region",
    "village__commune__region",
    "village__commune__district",
)


@dataclass(frozen=True)
class AssessmentPermissions:
    can_edit: bool  # enter values and evidence (while the assessment is editable)
    can_submit: bool  # send it to the committee
    can_review: bool  # approve, return or reopen it


def can_edit(user, assessment: Assessment) -> bool:
    """Commune officers edit their commune and its villages; village heads their village."""
    commune_id = assessment.commune_id or assessment.village.commune_id
    return is_commune_officer(user, commune_id) or is_village_head(user, assessment.village_id)


def can_review(user, assessment: Assessment) -> bool:
    """The committee above the unit's commune approves (see `is_committee`)."""
    commune = assessment.commune_of_unit
    return is_committee(user, district_id=commune.district_id, province_id=commune.province_id)


def assessment_permissions(user, assessment: Assessment) -> AssessmentPermissions:
    edit = can_edit(user, assessment)
    return AssessmentPermissions(can_edit=edit, can_submit=edit, can_review=can_review(user, assessment))


def get_assessment_for_user(request, pk: int) -> tuple[Assessment, AssessmentPermissions]:
    """The assessment `pk` if the user may see it (else Http404), and what they may do with it."""
    queryset = Assessment.objects.select_related(*ASSESSMENT_RELATED)
    assessment = get_visible_or_404(queryset, request.user, pk=pk)
    return assessment, assessment_permissions(request.user, assessment)
