from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from criteria.loader import CatalogueError, catalogue_files, load_catalogue_file, looser_province_thresholds


class Command(BaseCommand):
    help = "Nạp các bộ tiêu chí từ tệp dữ liệu (idempotent). Load the criteria catalogue."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="YAML files (default: all)")

    def handle(self, *args, files, verbosity, **options):
        paths = files or catalogue_files()
        for path in paths:
            try:
                sets = load_catalogue_file(path)
            except CatalogueError as error:
                raise CommandError(str(error)) from error
            for criteria_set in sets if verbosity else []:
                if isinstance(criteria_set, str):
                    self.stdout.write(
                        f"{path.name}: {criteria_set} bỏ qua — chưa có tỉnh của bộ tiêu chí này "
                        "(skipped: its province is not loaded yet)"
                    )
                else:
                    self.stdout.write(f"{path.name}: {criteria_set.code}")
            # Province rows are never changed here: a national value now stricter is reported.
            for criteria_set in sets:
                if isinstance(criteria_set, str):
                    continue
                for problem in looser_province_thresholds(criteria_set):
                    self.stderr.write(f"{path.name}: {criteria_set.code}: {problem}")
