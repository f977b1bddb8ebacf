from django.core.management.base import BaseCommand, CommandError

from plans.deadlines import parse_iso_week
from reports.tasks import snapshots_take


class Command(BaseCommand):
    help = "Chụp kết quả đánh giá của mọi hồ sơ cho một tuần ISO. Take the weekly evaluation snapshots."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="Tuần ISO, ví dụ 2024-W10 (mặc định: tuần hiện tại).")

    def handle(self, *args, week=None, **options):
        try:
            iso_year, iso_week = parse_iso_week(week) if week else (None, None)
        except ValueError as error:
            raise CommandError(str(error)) from error
        count = snapshots_take(iso_year, iso_week)
        self.stdout.write(self.style.SUCCESS(f"Đã chụp {count} hồ sơ."))
