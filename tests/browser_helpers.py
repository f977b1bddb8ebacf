"""Checks every browser journey runs on the pages it visits: the page itself never scrolls
sideways (at a phone's 360 px and at a desktop's 1280 px), and axe-core finds no serious or
critical accessibility violation.

axe-core comes from the npm registry (package.json, `npm ci`; `make test` installs it). Its
script is run through Playwright's evaluate, which the page's Content-Security-Policy does not
govern: a script tag, even Playwright's, would be inline and refused."""

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
FAILING_IMPACTS = ("serious", "critical")

# Runs axe on the whole document and returns only what the tests look at.
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


def horizontal_overflow(page) -> int:
    """How many pixels wider than the window the page is (0 when it does not scroll sideways)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def wide_elements(page) -> list[str]:
    """The elements that reach past the window's right edge, to say what widens the page."""
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
          .filter((e) => !e.closest(".table-responsive, .overflow-auto"))
          .slice(0, 8)
          .map((e) => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : "")
               + " right=" + Math.round(e.getBoundingClientRect().right))"""
    )


def assert_no_horizontal_scroll(page) -> None:
    overflow = horizontal_overflow(page)
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px: {wide_elements(page)}"


def accessibility_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: run `npm ci` (make test does)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    return [item for item in page.evaluate(RUN_AXE) if item["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for item in violations:
        lines.append(f"[{item['impact']}] {item['id']}: {item['help']}")
        lines.extend(f"    {node['target']}: {node['summary']}" for node in item["nodes"][:5])
    return "\n".join(lines)


def assert_accessible(page) -> None:
    violations = accessibility_violations(page)
    assert not violations, f"{page.url}\n{describe(violations)}"


def check_page(page) -> None:
    """The page as it is now, at a phone's and at a desktop's width: no page-level horizontal
    scroll, no serious or critical accessibility violation. The window's size is put back."""
    size = page.viewport_size
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        assert_no_horizontal_scroll(page)
        assert_accessible(page)
    page.set_viewport_size(size)
