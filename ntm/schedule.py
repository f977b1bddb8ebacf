"""The one place that defines the periodic tasks and their default times.

`manage.py setup_schedule` writes these into django-celery-beat's tables once; after that the
times are edited in the admin (Periodic tasks) and never overwritten.
"""

# name: (task, crontab fields in Asia/Ho_Chi_Minh)
DEFAULT_SCHEDULE: dict[str, tuple[str, dict[str, str]]] = {
    # Friday 06:30, before the weekly roll-up reads the week's snapshots.
    "weekly-evaluation-snapshots": (
        "reports.tasks.snapshots_take",
        {"minute": "30", "hour": "6", "day_of_week": "5"},
    ),
    # Friday 07:00, after Thursday's report deadline: one roll-up per district for the week.
    "weekly-district-rollups": (
        "reports.tasks.rollups_request_all",
        {"minute": "0", "hour": "7", "day_of_week": "5"},
    ),
    # Thursday 07:00, hours before the default 14:30 deadline of the weekly village report.
    "weekly-village-report-reminders": (
        "plans.tasks.send_weekly_reminders",
        {"minute": "0", "hour": "7", "day_of_week": "4"},
    ),
    # Every day at 07:00: officers whose periodic report (quarter, half-year, year) is due
    # within a week or overdue and not submitted.
    "daily-periodic-report-reminders": (
        "reports.tasks.periodic_reminders_send",
        {"minute": "0", "hour": "7", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
    ),
}
