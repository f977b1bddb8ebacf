from django.core.management.base import BaseCommand

from reports.documents.default_templates import write_all


class Command(BaseCommand):
    help = "Write the default Word templates of official documents (reports/documents/templates/) again."

    def handle(self, *args, **options):
        for path in write_all():
            self.stdout.write(str(path))
