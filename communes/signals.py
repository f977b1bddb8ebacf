"""Signals the communes app sends; apps above it connect to them (this app imports none)."""

from django.dispatch import Signal

# Sent with `commune_ids` after a change of what a commune's thresholds depend on (its region,
# commune group, flags or province, or its province's region) has been saved. The criteria app
# re-evaluates those communes' assessments.
classification_changed = Signal()

# The fields of a commune that its thresholds depend on.
CLASSIFICATION_FIELDS = ("province", "region", "commune_group", "is_especially_difficult", "is_safe_zone")
