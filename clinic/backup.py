"""Online backup and restore of the portal's database (SQLite or PostgreSQL).

SQLite uses the sqlite3 online-backup API (safe while the portal runs); PostgreSQL uses
``pg_dump --format=custom`` and ``pg_restore --clean``. See the README's "Backup and restore".
"""

import os
import shutil
import sqlite3
import subprocess

from django.db import connection


def table_row_counts():
    """Rows per table: what a backup and its restore must agree on."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env_and_args():
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = ["--host", db.get("HOST") or "localhost", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return env, args, db["NAME"]


def _require(tool):
    path = shutil.which(tool)
    if path is None:
        raise RuntimeError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    return path


def backup(path):
    """Write a consistent copy of the live database to ``path``."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        target.close()
    elif connection.vendor == "postgresql":
        env, args, name = _pg_env_and_args()
        subprocess.run(
            [_require("pg_dump"), *args, "--format=custom", "--file", str(path), name],
            env=env,
            check=True,
        )
    else:
        raise RuntimeError(f"No backup procedure for {connection.vendor}")


def restore(path):
    """Replace the live database's contents with the backup at ``path``."""
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        env, args, name = _pg_env_and_args()
        connection.close()  # pg_restore --clean drops tables this session may hold
        subprocess.run(
            [
                _require("pg_restore"),
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                name,
                str(path),
            ],
            env=env,
            check=True,
        )
    else:
        raise RuntimeError(f"No restore procedure for {connection.vendor}")
