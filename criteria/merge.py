"""The three-way merge of a form saved from an older copy: per field, the value the user
started from (base), the value they sent (mine) and the value stored now (theirs). Pure: no
models, no database."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Side(Enum):
    NOBODY = "nobody"
    MINE = "mine"
    THEIRS = "theirs"
    BOTH = "both"


def changed_by(base: object, mine: object, theirs: object) -> Side:
    """Who changed a field since `base`. The same change made by both is not a conflict."""
    if mine == base:
        return Side.NOBODY if theirs == base else Side.THEIRS
    if theirs in (base, mine):
        return Side.MINE
    return Side.BOTH


@dataclass(frozen=True)
class FieldMerge:
    """A field another user changed after the copy the refused save started from.

    `key` is the form field's name; the texts are for display, `theirs_input` and `mine_input`
    the texts that go into the input for one value or the other. `choose` is set when both
    changed the field to different values: the user picks one (else the input shows theirs, or
    the user's own change when only they changed it since)."""

    key: str
    label: str
    base: str
    theirs: str
    mine: str
    theirs_input: str
    mine_input: str
    choose: bool
    by: str = ""
    at: object = None
