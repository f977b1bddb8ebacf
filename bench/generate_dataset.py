"""Generate the synthetic dataset (idempotent): `python bench/generate_dataset.py --scale national`.

Uses the database of DATABASE_URL like manage.py; `bench/run.py` calls `generate` itself."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm.settings")

import django  # noqa: E402

django.setup()

from bench.synthetic import SCALES, generate  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Sinh bộ dữ liệu tổng hợp. Generate a synthetic dataset.")
    parser.add_argument("--scale", choices=sorted(SCALES), default="district")
    parser.add_argument("--seed", type=int, default=2024)
    options = parser.parse_args(argv)
    started = time.monotonic()
    counts = generate(options.scale, seed=options.seed, log=print)
    print(f"{options.scale}: {counts} in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
