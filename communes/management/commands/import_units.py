import csv
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from openpyxl.utils.exceptions import InvalidFileException

from communes.importing import ImportError_, import_units, read_rows


class Command(BaseCommand):
    help = (
        "Nhập danh mục đơn vị hành chính từ tệp CSV/Excel (idempotent). Columns: province_code, "
        "province_name, district_code, district_name, commune_code, commune_name, village_code, "
        "village_name[, region]."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(f"Không tìm thấy tệp: {file}")
        try:
            result = import_units(read_rows(file))
        except ImportError_ as error:
            raise CommandError("Không nhập gì cả (nothing imported):\n" + "\n".join(error.errors)) from error
        except (csv.Error, zipfile.BadZipFile, InvalidFileException, ValueError, KeyError, OSError) as error:
            # A damaged .xlsx, or a .csv that is not UTF-8 text: say so instead of a traceback.
            raise CommandError(f"Không đọc được tệp {file.name} (nothing imported): {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập: {result.provinces} tỉnh, {result.districts} huyện, "
                f"{result.communes} xã, {result.villages} thôn mới."
            )
        )
