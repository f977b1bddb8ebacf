"""Helpers of the role-matrix, fault and fuzz tests: the forms of a rendered page as POST data,
row counts of every table, and a fresh world of objects per request."""

from __future__ import annotations

from html.parser import HTMLParser

from django.apps import apps


class _Forms(HTMLParser):
    """Every <form> of a page as {name: [values]}, with the values the page would submit."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "@action": attrs.get("action") or "",
                "@method": (attrs.get("method") or "get").lower(),
            }
            self.forms.append(self._form)
        if tag == "option" and self._form is not None and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        if self._form is None or not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            self._form.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "select":
            self._select, self._options = name, []
        elif tag == "textarea":
            self._textarea = name
            self._form.setdefault(name, []).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select and self._form is not None:
            # A browser sends the selected option, or the first one when none is selected.
            chosen = [value for value, selected in self._options if selected] or [
                value for value, _selected in self._options[:1]
            ]
            self._form.setdefault(self._select, []).extend(chosen)
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form is not None:
            self._form[self._textarea][-1] += data


def page_forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_with(html: str, field: str) -> dict:
    """The POST data of the page's form that has `field`, ready for the test client."""
    for form in page_forms(html):
        if field in form:
            return {
                key: (value if len(value) > 1 else value[0]) for key, value in form.items() if key[0] != "@"
            }
    raise AssertionError(f"no form with a field {field!r}")


def row_counts() -> dict[str, int]:
    """Rows in every table of the project's apps (and history), for "zero writes" checks."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"communes", "criteria", "plans", "reports"}
    }
