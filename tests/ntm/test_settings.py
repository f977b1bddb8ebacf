"""Settings come from the environment; production refuses to start without a secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_settings(**env):
    environment = {
        key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG", "REDIS_URL"}
    }
    environment.update(env)
    code = "import django; django.setup(); from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER, settings.TIME_ZONE, settings.LANGUAGE_CODE)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment | {"DJANGO_SETTINGS_MODULE": "ntm.settings"},
        capture_output=True,
        text=True,
    )


def test_production_needs_a_secret_key():
    result = run_settings(DEBUG="0")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_without_redis_celery_runs_eagerly_in_vietnamese_time():
    result = run_settings()
    assert result.stdout.split() == ["True", "Asia/Ho_Chi_Minh", "vi"]
    assert run_settings(REDIS_URL="redis://127.0.0.1:6379/0").stdout.split()[0] == "False"
