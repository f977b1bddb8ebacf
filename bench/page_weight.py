"""Page weight and load time in a real headless Chromium, as a commune officer on a rural
mobile connection meets them: bytes transferred on a first (cold cache) and a repeat visit of
the landing page, and the time until the landing page and the entry form are usable on a
throttled connection (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip, set through
Chromium's own network emulation).

`make bench` runs it against its gunicorn server with production settings. It can also be run
alone against any server: python bench/page_weight.py http://127.0.0.1:8000 canbo.huongson PASSWORD
"""

from __future__ import annotations

import json
import sys

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Chromium's "Fast 3G"-like profile as the issue fixes it: bytes per second and milliseconds.
THROTTLE = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}


class Transfer:
    """Bytes that crossed the network (headers and compressed bodies) for one navigation,
    counted by the browser itself (Network.loadingFinished's encodedDataLength); responses
    served from the browser's cache count zero."""

    def __init__(self, cdp):
        self.bytes = 0
        cdp.on("Network.loadingFinished", self._finished)

    def _finished(self, event):
        self.bytes += int(event.get("encodedDataLength", 0))

    def reset(self) -> None:
        self.bytes = 0


def _usable_ms(page) -> float:
    """Navigation start to the load event: styles, scripts and the page itself are in and run."""
    return page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return n.loadEventEnd - n.startTime; }"
    )


def _log_in(browser, base: str, username: str, password: str) -> dict:
    """The session cookie of a fresh login, so that the measured context starts with a cold cache."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    state = context.storage_state()
    context.close()
    return state


def measure(base: str, username: str, password: str, entry_path: str | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    figures: dict = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        state = _log_in(browser, base, username, password)

        # Unthrottled: bytes of the first and of a repeat visit.
        context = browser.new_context(storage_state=state, viewport={"width": 360, "height": 800})
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        transfer = Transfer(cdp)
        page.goto(f"{base}/", wait_until="load")
        landing = page.url
        figures["landing_first_kb"] = round(transfer.bytes / 1024, 1)
        transfer.reset()
        page.goto(landing, wait_until="load")
        figures["landing_repeat_kb"] = round(transfer.bytes / 1024, 1)
        context.close()

        # Throttled, cold cache: time until usable.
        for name, path in (("landing", None), ("entry", entry_path)):
            if name == "entry" and not path:
                continue
            context = browser.new_context(storage_state=state, viewport={"width": 360, "height": 800})
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", THROTTLE)
            page.goto(landing if name == "landing" else f"{base}{path}", wait_until="load", timeout=60_000)
            figures[f"{name}_throttled_ms"] = round(_usable_ms(page))
            context.close()
        browser.close()
    return figures


if __name__ == "__main__":
    base, username, password = sys.argv[1:4]
    entry = sys.argv[4] if len(sys.argv) > 4 else None
    print(json.dumps(measure(base, username, password, entry), indent=2))
