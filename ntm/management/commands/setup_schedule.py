from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from ntm.schedule import DEFAULT_SCHEDULE


class Command(BaseCommand):
    help = "Tạo lịch chạy định kỳ mặc định (không ghi đè lịch đã sửa). Create the default schedule."

    def handle(self, *args, **options):
        for name, (task, fields) in DEFAULT_SCHEDULE.items():
            if PeriodicTask.objects.filter(name=name).exists():
                continue
            crontab, _ = CrontabSchedule.objects.get_or_create(timezone="Asia/Ho_Chi_Minh", **fields)
            PeriodicTask.objects.create(name=name, task=task, crontab=crontab)
            self.stdout.write(f"{name}: {task} {fields}")
