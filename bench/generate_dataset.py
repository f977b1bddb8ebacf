import time

from django.core.management.base import BaseCommand

from ntm.synthetic import SCALES, generate


class Command(BaseCommand):
    help = "Sinh bộ dữ liệu tổng hợp theo quy mô (idempotent). Generate a synthetic dataset."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="district")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, scale, seed, **options):
        started = time.monotonic()
        counts = generate(scale, seed=seed, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"{scale}: {counts} in {time.monotonic() - started:.1f} s"))
