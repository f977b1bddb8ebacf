from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ntm.backup import BackupError, backup_restore, read_manifest


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu và tệp tải lên từ một bản sao lưu (thay thế dữ liệu hiện có). "
        "Restore the database and uploads from a backup, replacing the current data."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="A folder written by `manage.py backup`.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, directory: Path, database: str, interactive: bool, **options):
        target = connections[database].settings_dict
        try:
            manifest = read_manifest(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if interactive and not self._confirmed(manifest, target["NAME"]):
            raise CommandError("Đã hủy khôi phục. Restore cancelled.")
        # pg_restore drops and recreates every table: our own connections must not hold them.
        connections.close_all()
        try:
            backup_restore(directory=directory, database=target, media_root=Path(settings.MEDIA_ROOT))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Đã khôi phục từ {directory} (sao lưu lúc {manifest['created_at']}).")
        )

    def _confirmed(self, manifest: dict, name: str) -> bool:
        answer = input(
            f"Thay thế cơ sở dữ liệu {name} và các tệp trong {settings.MEDIA_ROOT} "
            f"bằng bản sao lưu lúc {manifest['created_at']}? Gõ 'yes' để tiếp tục: "
        )
        return answer.strip().lower() == "yes"
