"""The Content-Security-Policy in real headless Chromium: the main pages load without a single
violation, and a violation, when there is one, is seen."""

import pytest

from ..browser_helpers import check_page
from ..conftest import log_in

pytestmark = pytest.mark.browser

# Chromium reports each refused resource, inline style or script on the console; the page's own
# `securitypolicyviolation` events are collected too, by a script Playwright injects outside
# the policy.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def watch(page) -> list[str]:
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.add_init_script(COLLECT_VIOLATIONS)
    return console


def violations(page, console: list[str]) -> list[str]:
    reported = [line for line in console if "Content Security Policy" in line or "Refused to" in line]
    return reported + page.evaluate("window.__cspViolations")


def visit(page, console: list[str], path: str) -> list[str]:
    response = page.goto(page.base_url + path)
    assert response.status == 200, path
    assert "default-src 'self'" in response.headers["content-security-policy"]  # Lower-cased names.
    page.wait_for_load_state("load")
    return violations(page, console)


def test_the_main_pages_load_without_a_policy_violation(browser_page, demo):
    page = browser_page
    console = watch(page)
    assert visit(page, console, "/login/") == []
    check_page(page)
    assert visit(page, console, "/password/reset/") == []
    check_page(page)
    log_in(page, "canbo.sonbang")
    page.wait_for_url("**/reports/communes/legacy-18190/assessments/")
    assert violations(page, console) == []
    assert visit(page, console, "/password/change/") == []
    check_page(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/")
    page.click("button.navbar-toggler")  # Bootstrap's collapse script runs under the policy.
    page.locator("#nav.show").wait_for()
    check_page(page)  # the open menu too
    assert violations(page, console) == []
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "bcd.huongson")
    page.wait_for_url("**/districts/**")
    assert page.locator("h1").count() == 1
    check_page(page)
    assert violations(page, console) == []
    page.screenshot(path="/tmp/ntm-district-page-csp.png")


def test_the_admin_loads_without_a_policy_violation(browser_page, demo):
    page = browser_page
    console = watch(page)
    log_in(page, "admin")
    page.wait_for_url("**/admin/")
    assert violations(page, console) == []
    assert visit(page, console, "/admin/communes/commune/") == []
    assert visit(page, console, "/admin/auth/user/1/change/") == []


def test_an_inline_style_would_be_refused_and_reported(browser_page, db):
    page = browser_page
    console = watch(page)
    assert visit(page, console, "/login/") == []
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p id=x style=\"color: red\">x</p>')")
    page.wait_for_timeout(200)
    assert page.evaluate("getComputedStyle(document.getElementById('x')).color") != "rgb(255, 0, 0)"
    assert any("style-src" in line for line in violations(page, console))
