from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from communes.demo import demo_spec, load_demo_units, load_demo_users
from criteria.demo import load_demo_assessments, load_illustrative_thresholds
from plans.demo import load_demo_plans
from reports.demo import load_demo_reports

# Each app adds its own demo loader here; each takes the list of (commune, spec) pairs.
APP_LOADERS = [load_demo_assessments, load_demo_plans, load_demo_reports]


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu từ các tài liệu nguồn (idempotent). Load the demo data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--provinces",
            default="",
            metavar="CODES",
            help=(
                "Chỉ nạp danh mục đơn vị của các tỉnh mới này (mã, cách nhau bằng dấu phẩy; mặc định: "
                "cả nước). Only these new provinces of the official list, e.g. 42,24."
            ),
        )

    def handle(self, *args, **options):
        # The national catalogue first (it brings the regions), then the units, then the
        # catalogue again for the province-scoped sets whose province now exists.
        call_command("load_catalogue", verbosity=0)
        spec = demo_spec()
        with transaction.atomic():
            provinces = {code.strip() for code in options["provinces"].split(",") if code.strip()}
            communes = load_demo_units(spec, provinces=provinces or None)
            call_command("load_catalogue", verbosity=0)
            load_demo_users(spec)
            load_illustrative_thresholds()
            for loader in APP_LOADERS:
                loader(communes)
        call_command("setup_schedule", verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Dữ liệu mẫu: {len(communes)} xã."))
