from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ntm.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và tệp tải lên vào một thư mục mới. Back up the database and uploads."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="A new or empty folder for the backup.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, directory: Path, database: str, **options):
        try:
            manifest = backup_create(
                directory=directory,
                database=connections[database].settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sao lưu vào {directory}: {manifest['database']} và {manifest['media_files']} tệp."
            )
        )
