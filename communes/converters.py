"""The URL converter of codes: a unit's key or code, an indicator's code."""

from __future__ import annotations


class CodeConverter:
    """Any text but a slash or a NUL byte. PostgreSQL refuses NUL in text, so a code with one
    can name nothing: the URL does not match and the answer is 404."""

    regex = r"[^/\x00]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
