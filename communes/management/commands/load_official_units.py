from django.core.management.base import BaseCommand, CommandError

from communes.official import PACKAGE, OfficialListError
from communes.services import official_units_load

LABELS = {
    "provinces": "Tỉnh từ 1/7/2025",
    "communes": "Xã, phường, đặc khu từ 1/7/2025",
    "legacy_provinces": "Tỉnh trước 1/7/2025",
    "legacy_districts": "Huyện trước 1/7/2025",
    "legacy_communes": "Xã, phường, thị trấn trước 1/7/2025",
    "successions": "Liên kết xã cũ → xã mới",
}


def number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Nạp danh mục đơn vị hành chính chính thức của cả hai bản đồ (trước và từ 1/7/2025) và "
        f"quan hệ kế thừa giữa chúng, từ gói {PACKAGE} đã cài (không tải gì từ mạng). Chạy lại "
        "không thay đổi gì. Loads both official maps and their lineage, offline, idempotently."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            default=[],
            metavar="CODE",
            help="Chỉ nạp tỉnh mới mã CODE và các tỉnh cũ hợp thành (lặp lại được). Only this new province.",
        )

    def handle(self, *args, **options):
        try:
            result = official_units_load(provinces=set(options["province"]) or None)
        except OfficialListError as error:
            raise CommandError(f"Không nạp gì cả: {error}") from error
        self.stdout.write(f"Danh mục chính thức (gói {PACKAGE} {result.version}):")
        for step, count in result.counts.items():
            line = (
                f"  {LABELS[step]}: {number(count.total)} (thêm {number(count.created)}, "
                f"sửa {number(count.updated)}"
            )
            if count.deleted:
                line += f", xóa {number(count.deleted)}"
            line += ")"
            if count.not_listed:
                line += f"; {number(count.not_listed)} đơn vị khác không có trong danh mục, giữ nguyên"
            self.stdout.write(line)
        if result.district_successors:
            self.stdout.write(
                f"  {len(result.district_successors)} huyện đảo không có xã (mã "
                f"{', '.join(sorted(result.district_successors))}) nay là đặc khu: không có xã cũ để nối."
            )
        if result.changed:
            self.stdout.write(self.style.SUCCESS(f"Đã ghi {number(result.changed)} thay đổi."))
        else:
            self.stdout.write(self.style.SUCCESS("Không có gì thay đổi: danh mục đã đầy đủ."))
