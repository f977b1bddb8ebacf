from django.core.management.base import BaseCommand, CommandError

from communes.access import unit_lookup
from communes.models import District, Province
from plans.deadlines import parse_iso_week
from reports.models import RollUp
from reports.rollups import rollup_build, rollup_request, rollup_units, unit_ref


class Command(BaseCommand):
    help = (
        "Tổng hợp báo cáo tuần của một hoặc mọi huyện, chạy ngay (không qua hàng đợi). "
        "Build one or all weekly roll-ups synchronously."
    )

    def add_arguments(self, parser):
        parser.add_argument("--week", required=True, help="Tuần ISO, ví dụ 2024-W10.")
        parser.add_argument(
            "--unit", help="Mã huyện (hoặc mã tỉnh có xã không thuộc huyện); trước 1/7/2025: legacy-<mã>."
        )
        parser.add_argument("--no-mail", action="store_true", help="Không gửi thư cho Ban Chỉ đạo.")

    def handle(self, *args, week, unit=None, no_mail=False, **options):
        try:
            iso_year, iso_week = parse_iso_week(week)
        except ValueError as error:
            raise CommandError(str(error)) from error
        units = [self._unit(unit)] if unit else rollup_units(iso_year, iso_week)
        failed = 0
        for ref in units:
            rollup = rollup_request(unit=ref, iso_year=iso_year, iso_week=iso_week, enqueue=False)
            RollUp.objects.filter(pk=rollup.pk).update(status=RollUp.State.QUEUED)
            rollup = rollup_build(rollup_id=rollup.pk, send_mail=not no_mail)
            failed += rollup.status == RollUp.State.FAILED
            self.stdout.write(f"{ref.code} {rollup.week_label}: {rollup.status} {rollup.error}".rstrip())
        if failed:
            raise CommandError(f"{failed} báo cáo tổng hợp bị lỗi.")
        self.stdout.write(self.style.SUCCESS(f"Đã tổng hợp {len(units)} đơn vị."))

    def _unit(self, code: str):
        district = District.objects.filter(**unit_lookup(code)).first()
        if district is not None:
            return unit_ref(district)
        province = (
            Province.objects.filter(**unit_lookup(code), communes__district__isnull=True).distinct().first()
        )
        if province is not None:
            return unit_ref(province)
        raise CommandError(f"Không có huyện (hoặc tỉnh có xã không thuộc huyện) mã {code!r}.")
