"""Settings of the Celery worker processes the roll-up tests start and kill.

`celery -A ntm worker` with DJANGO_SETTINGS_MODULE pointing here: the project's settings, plus
a short Redis visibility timeout swept often so that a task left unacknowledged by a killed worker is
handed to the next worker within seconds instead of the default hour.
"""

from ntm.settings import *  # noqa: F403

# Swept every second (kombu's default sweep is about every 100 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
