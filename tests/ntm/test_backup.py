"""Backup and restore round trips on the database the tests run on, uploaded files included."""

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from communes.models import Commune
from ntm.backup import backup_create, backup_restore

from ..factories import UserFactory

EVIDENCE = {
    "evidence/2024/18190/biên-bản-nghiệm-thu.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 40,
    "evidence/2024/18190/ảnh hiện trường.jpg": b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" * 500,
    "exports/bao-cao-tuan.xlsx": b"PK\x03\x04" + b"x" * 1000,
}


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    for name, content in EVIDENCE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def data(transactional_db, cast):
    """Committed rows (pg_dump sees only committed data): the cast, the catalogue, a user."""
    UserFactory(username="nguyen.thi.ha", first_name="Hà", last_name="Nguyễn Thị", email="ha@example.gov.vn")
    return cast


def tables() -> list[str]:
    return sorted(connection.introspection.table_names())


def counts(cursor, names: list[str]) -> dict[str, int]:
    result = {}
    for name in names:
        cursor.execute(f'SELECT COUNT(*) FROM "{name}"')
        result[name] = cursor.fetchone()[0]
    return result


SAMPLES = [
    'SELECT username, password, first_name, last_name, email FROM "auth_user" ORDER BY id',
    'SELECT code, name FROM "communes_commune" ORDER BY code',
    'SELECT app, name FROM "django_migrations" ORDER BY id',
]


def samples(cursor) -> list[list[tuple]]:
    rows = []
    for query in SAMPLES:
        cursor.execute(query)
        rows.append([tuple(row) for row in cursor.fetchall()])
    return rows


@pytest.fixture
def scratch(tmp_path) -> Iterator[tuple[dict, object]]:
    """An empty database next to the test database, created here and dropped afterwards, and a
    way to open a plain DB-API connection to it."""
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(tmp_path / "restored.sqlite3")
        yield source | {"NAME": name}, lambda: sqlite3.connect(name)
        return
    import psycopg2

    name = f"{source['NAME']}_restore"
    params = {
        "host": source["HOST"],
        "port": source["PORT"],
        "user": source["USER"],
        "password": source["PASSWORD"],
    }
    params = {key: value for key, value in params.items() if value}
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    opened = []

    def connect():
        opened.append(psycopg2.connect(dbname=name, **params))
        return opened[-1]

    yield source | {"NAME": name}, connect
    for conn in opened:
        conn.close()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_file(data, media, scratch, tmp_path):
    target, connect = scratch
    backup = tmp_path / "backup"
    manifest = backup_create(directory=backup, database=connection.settings_dict, media_root=media)
    assert manifest["engine"] == connection.vendor
    assert manifest["media_files"] == 3
    assert json.loads((backup / "manifest.json").read_text()) == manifest

    restored_media = tmp_path / "restored-media"
    backup_restore(directory=backup, database=target, media_root=restored_media)

    names = tables()
    with connection.cursor() as cursor:
        expected_counts, expected_rows = counts(cursor, names), samples(cursor)
    restored = connect()
    cursor = restored.cursor()
    assert counts(cursor, names) == expected_counts
    assert samples(cursor) == expected_rows
    assert expected_counts["auth_user"] == get_user_model().objects.count() >= 7
    assert expected_counts["criteria_indicator"] > 50  # The catalogue came along.
    assert files(restored_media) == EVIDENCE


def test_the_command_pair_puts_the_data_and_files_back_after_a_loss(data, media, tmp_path, capsys):
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    assert "3 tệp" in capsys.readouterr().out
    before = (Commune.objects.count(), list(get_user_model().objects.values_list("username", "password")))

    Commune.objects.filter(pk=data.commune_b.pk).delete()
    get_user_model().objects.filter(username="nguyen.thi.ha").update(password="!")
    (media / "evidence/2024/18190/biên-bản-nghiệm-thu.pdf").unlink()
    (media / "stray.txt").write_text("not in the backup")

    call_command("restore", str(backup), "--noinput")
    after = (Commune.objects.count(), list(get_user_model().objects.values_list("username", "password")))
    assert after == before
    assert files(media) == EVIDENCE


def test_backups_never_overwrite_and_restores_need_a_real_backup(data, media, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(backup))
    with pytest.raises(CommandError, match="inside MEDIA_ROOT"):
        call_command("backup", str(media / "backup"))
    with pytest.raises(CommandError, match="manifest.json is missing"):
        call_command("restore", str(tmp_path / "media"), "--noinput")
    manifest = json.loads((backup / "manifest.json").read_text())
    (backup / manifest["database"]).unlink()
    with pytest.raises(CommandError, match="is missing"):
        call_command("restore", str(backup), "--noinput")
    assert files(media) == EVIDENCE  # Nothing was touched.


def test_a_restore_asks_before_replacing_the_data(data, media, tmp_path, monkeypatch):
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    (media / "new.txt").write_text("kept")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Đã hủy"):
        call_command("restore", str(backup))
    assert (media / "new.txt").read_text() == "kept"
