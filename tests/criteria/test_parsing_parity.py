"""The number parser of the server (criteria/parsing.py) and of the browser
(static/js/numbers.js) read every case of criteria/parsing_cases.json the same way."""

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from criteria.parsing import ParseError, parse_number

ROOT = Path(settings.BASE_DIR)
CASES = json.loads((ROOT / "criteria" / "parsing_cases.json").read_text(encoding="utf-8"))["cases"]

# Loads numbers.js into a bare vm context (no DOM, no bundler), as a page's <script> would,
# and prints what it reads from each case.
NODE_SCRIPT = """
const fs = require("fs"), vm = require("vm");
const context = vm.createContext({});
vm.runInContext(fs.readFileSync(process.argv[1], "utf8"), context, { filename: "numbers.js" });
const cases = JSON.parse(fs.readFileSync(process.argv[2], "utf8")).cases;
const read = cases.map((c) => ({
  normalised: context.NtmNumbers.normalise(c.text, { percent: c.percent }),
  number: context.NtmNumbers.parse(c.text, { percent: c.percent }),
}));
process.stdout.write(JSON.stringify(read));
"""


def python_reads(text: str, percent: bool) -> Decimal | None:
    try:
        return parse_number(text, percent=percent)
    except ParseError:
        return None


def expected(case: dict) -> Decimal | None:
    return None if case["expected"] is None else Decimal(case["expected"])


def test_the_shared_cases_cover_the_rules_that_differ_by_percent():
    texts = {(case["text"], case["percent"]) for case in CASES}
    assert {("1.234", True), ("1.234", False), ("12.345", True)} <= texts
    assert any(case["expected"] is None for case in CASES)


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c['text']!r}-{'pct' if c['percent'] else 'num'}" for c in CASES]
)
def test_the_python_parser_reads_each_shared_case(case):
    assert python_reads(case["text"], case["percent"]) == expected(case)


@pytest.fixture(scope="module")
def javascript_reads() -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    completed = subprocess.run(
        [
            node,
            "-e",
            NODE_SCRIPT,
            str(ROOT / "static" / "js" / "numbers.js"),
            str(ROOT / "criteria" / "parsing_cases.json"),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(completed.stdout)


@pytest.mark.parametrize(
    "index", range(len(CASES)), ids=[f"{c['text']!r}-{'pct' if c['percent'] else 'num'}" for c in CASES]
)
def test_the_javascript_parser_reads_each_shared_case_as_python_does(javascript_reads, index):
    case, read = CASES[index], javascript_reads[index]
    want = expected(case)
    assert len(javascript_reads) == len(CASES)
    if want is None:
        assert read == {"normalised": None, "number": None}
    else:
        assert Decimal(read["normalised"]) == want
        assert read["number"] == float(want)
