"""Backup and restore of the whole app: the database and the uploaded files (MEDIA_ROOT).

A backup is a folder: `manifest.json`, the database dump, and `media/` with a copy of every
uploaded file. PostgreSQL is dumped with `pg_dump -Fc` and restored with `pg_restore --clean`
in one transaction; SQLite is copied page by page with SQLite's online backup API, which gives a
consistent snapshot of a database in use and a file any SQLite on any platform can open.
"""

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA = "media"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    pass


def database_engine(database: dict) -> str:
    engine = {"postgresql": "postgresql", "sqlite3": "sqlite"}.get(database["ENGINE"].rsplit(".", 1)[-1])
    if engine is None:
        raise BackupError(f"Unsupported database engine: {database['ENGINE']}")
    return engine


def backup_create(*, directory: Path, database: dict, media_root: Path) -> dict:
    """Write a backup of `database` and `media_root` into `directory` (new or empty)."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: choose a new folder for the backup.")
    if directory.resolve().is_relative_to(Path(media_root).resolve()):
        raise BackupError(f"{directory} is inside MEDIA_ROOT: keep backups outside the uploaded files.")
    engine = database_engine(database)
    directory.mkdir(parents=True, exist_ok=True)
    dump = directory / DUMPS[engine]
    if engine == "postgresql":
        _pg_dump(database, dump)
    else:
        _sqlite_copy(source=database["NAME"], target=str(dump))
    files = _copy_media(media_root, directory / MEDIA)
    manifest = {
        "format": 1,
        "engine": engine,
        "database": DUMPS[engine],
        "created_at": timezone.now().isoformat(),
        "media_files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def backup_restore(*, directory: Path, database: dict, media_root: Path) -> dict:
    """Replace `database` and the files in `media_root` with the backup in `directory`."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    engine = database_engine(database)
    if manifest["engine"] != engine:
        raise BackupError(f"The backup is of a {manifest['engine']} database, this one is {engine}.")
    dump = directory / manifest["database"]
    if engine == "postgresql":
        _pg_restore(database, dump)
    else:
        _sqlite_copy(source=str(dump), target=database["NAME"])
    _replace_media(directory / MEDIA, Path(media_root))
    return manifest


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{directory} is not a backup: {MANIFEST} is missing.")
    manifest = json.loads(path.read_text())
    if not (Path(directory) / manifest["database"]).is_file():
        raise BackupError(f"The database dump {manifest['database']} is missing from {directory}.")
    return manifest


def _pg_arguments(database: dict) -> tuple[list[str], dict]:
    arguments = ["--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            arguments += [option, str(database[key])]
    environment = dict(os.environ)
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    return arguments, environment


def _run(command: list[str], environment: dict) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _pg_dump(database: dict, dump: Path) -> None:
    arguments, environment = _pg_arguments(database)
    command = ["pg_dump", *arguments, "--format=custom", "--no-owner", "--no-acl", "--file", str(dump)]
    _run([*command, database["NAME"]], environment)


def _pg_restore(database: dict, dump: Path) -> None:
    arguments, environment = _pg_arguments(database)
    # One transaction: a failed restore leaves the database as it was.
    options = ["--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error"]
    _run(["pg_restore", *arguments, *options, "--dbname", database["NAME"], str(dump)], environment)


def _sqlite_connect(name: str) -> sqlite3.Connection:
    # The test runner's in-memory database is named by a URI ("file:...?mode=memory").
    return sqlite3.connect(name, uri=str(name).startswith("file:"))


def _sqlite_copy(*, source: str, target: str) -> None:
    with _sqlite_connect(source) as reader, _sqlite_connect(target) as writer:
        reader.backup(writer)
    reader.close()
    writer.close()


def _copy_media(media_root: Path, target: Path) -> int:
    media_root = Path(media_root)
    if media_root.is_dir():
        shutil.copytree(media_root, target, symlinks=False)
    else:
        target.mkdir()
    return sum(1 for path in target.rglob("*") if path.is_file())


def _replace_media(source: Path, media_root: Path) -> None:
    # MEDIA_ROOT may be a mount point (a Docker volume): empty it rather than replace it.
    media_root.mkdir(parents=True, exist_ok=True)
    for child in media_root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if source.is_dir():
        shutil.copytree(source, media_root, dirs_exist_ok=True)
