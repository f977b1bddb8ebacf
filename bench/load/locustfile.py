"""50 commune officials saving assessment values and weekly village reports.

Each simulated official logs in as one of the prepared users (LOAD_USERS, a JSON list written
by bench/load/run.py) and alternates: open the entry page, save a value with a unique note;
open a week's report form, save it with a unique note. Every write the server acknowledged
(a redirect after the POST) is appended to LOAD_ACKS so run.py can find each one in the
database afterwards.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, events, task

USERS = json.loads(open(os.environ["LOAD_USERS"], encoding="utf-8").read())
RUN = os.environ.get("LOAD_RUN", uuid.uuid4().hex[:8])
PASSWORD = os.environ["LOAD_PASSWORD"]
NEXT_USER = itertools.count()
ACKED: list[dict] = []
VERSION = re.compile(r'name="version" value="(\d+)"')


@events.quitting.add_listener
def write_acknowledged(environment, **_kwargs) -> None:
    """The acknowledged writes and the final figures (locust's CSV may miss the last seconds)."""
    stats = environment.stats
    saves = [stats.get(name, "POST") for name in ("save assessment", "save weekly report")]
    figures = {
        "requests": stats.total.num_requests,
        "failures": stats.total.num_failures,
        "median_ms": stats.total.get_response_time_percentile(0.5),
        "p95_ms": stats.total.get_response_time_percentile(0.95),
        "requests_per_s": round(stats.total.total_rps, 1),
        "save_requests": sum(entry.num_requests for entry in saves),
        "save_median_ms": max(entry.get_response_time_percentile(0.5) or 0 for entry in saves),
        "save_p95_ms": max(entry.get_response_time_percentile(0.95) or 0 for entry in saves),
        "failure_reasons": [str(error.error) for error in stats.errors.values()][:10],
    }
    with open(os.environ["LOAD_ACKS"], "w", encoding="utf-8") as out:
        json.dump({"acknowledged": ACKED, "figures": figures}, out)


class Official(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.me = USERS[next(NEXT_USER) % len(USERS)]
        self.serial = itertools.count()
        self.client.get("/login/", name="login page")
        self.client.post(
            "/login/",
            {"username": self.me["username"], "password": PASSWORD, "csrfmiddlewaretoken": self._csrf()},
            name="login",
        )

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def _token(self, kind: str) -> str:
        return f"load-{RUN}-{self.me['username']}-{kind}-{next(self.serial)}"

    @task
    def save_assessment(self) -> None:
        url = f"/assessments/{self.me['assessment']}/"
        page = self.client.get(url, name="entry page")
        found = VERSION.search(page.text)
        if not found:
            page.failure("no version field on the entry page")
            return
        token = self._token("value")
        pk = self.me["indicator"]
        data = {
            "csrfmiddlewaretoken": self._csrf(),
            "version": found.group(1),
            "reason": "",
            f"v_{pk}": str(value := random.randint(0, 100)),
            f"n_{pk}": token,
        }
        ack = {"kind": "value", "token": token, "value": value, **self.me}
        self._post(url, data, "save assessment", ack)

    @task
    def save_weekly_report(self) -> None:
        me = self.me
        week = random.randint(1, me["last_week"])
        url = f"/plans/{me['plan']}/villages/{me['village']}/weeks/{me['year']}/{week}/"
        self.client.get(url, name="weekly report form")
        token = self._token("report")
        data = {
            "csrfmiddlewaretoken": self._csrf(),
            f"item_{me['item']}": str(random.randint(0, 50)),
            "notes": token,
            "next_week_plan": "",
        }
        self._post(url, data, "save weekly report", {"kind": "report", "token": token, **me})

    def _post(self, url: str, data: dict, name: str, ack: dict) -> None:
        with self.client.post(url, data, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code == 302 and "/login/" not in response.headers.get("Location", ""):
                response.success()
                ACKED.append(ack)
            else:
                response.failure(f"not saved: HTTP {response.status_code}")
