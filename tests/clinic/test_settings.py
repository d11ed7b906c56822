import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(env_overrides, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_check({"DJANGO_DEBUG": "false"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_starts_in_debug_without_secret_key():
    result = run_check({"DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_production_values():
    result = run_check(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-9f8e7d6c5b4a",
            "DJANGO_ALLOWED_HOSTS": "portal.clinic.example",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_two_factor_is_switched_off_in_production():
    result = run_check(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-9f8e7d6c5b4a",
            "DJANGO_ALLOWED_HOSTS": "portal.clinic.example",
            "DJANGO_REQUIRE_2FA": "false",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    assert "clinic.E001" in result.stderr + result.stdout


def test_sqlite_file_database_uses_wal_and_immediate_transactions(tmp_path):
    script = (
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode');"
        "print(c.fetchone()[0], connection.settings_dict['OPTIONS']['transaction_mode'])"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["wal", "IMMEDIATE"], result.stderr


def print_setting(env_overrides, expression):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            f"from django.conf import settings; print({expression})",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.strip()


def test_two_factor_is_required_whenever_debug_is_off():
    production = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "k" * 60}
    assert print_setting(production, "settings.REQUIRE_2FA") == "True"
    assert print_setting({"DJANGO_DEBUG": "true"}, "settings.REQUIRE_2FA") == "False"


def test_redis_url_moves_the_cache_the_sessions_cache_and_the_tasks_to_redis():
    value = print_setting(
        {"DJANGO_DEBUG": "true", "REDIS_URL": "redis://127.0.0.1:6379/1"},
        "settings.CACHES['default']['BACKEND'], settings.CACHES['sessions']['BACKEND'],"
        "settings.CACHES['default']['OPTIONS']['IGNORE_EXCEPTIONS'], settings.SESSION_ENGINE,"
        "settings.TASKS['default']['BACKEND'], settings.RQ_QUEUES['default']['URL']",
    )
    assert value == (
        "django_redis.cache.RedisCache django_redis.cache.RedisCache True "
        "clinic.sessions django_tasks_rq.RQBackend "
        "redis://127.0.0.1:6379/1"
    )


def test_without_redis_sessions_go_through_the_file_cache_and_tasks_to_the_database():
    value = print_setting(
        {"DJANGO_DEBUG": "true"},
        "settings.CACHES['sessions']['BACKEND'], settings.SESSION_ENGINE,"
        "settings.TASKS['default']['BACKEND']",
    )
    assert value == (
        "django.core.cache.backends.filebased.FileBasedCache "
        "clinic.sessions "
        "django_tasks_db.DatabaseBackend"
    )


def test_check_fails_when_the_clinic_logo_is_not_a_static_file():
    """A CLINIC_LOGO that names no static file would fail every page in production."""
    result = run_check({"DJANGO_DEBUG": "true", "CLINIC_LOGO": "img/no-such-logo.svg"})
    assert result.returncode != 0
    assert "clinic.E002" in result.stderr + result.stdout
    assert run_check({"DJANGO_DEBUG": "true", "CLINIC_LOGO": "img/clinic-logo.svg"}).returncode == 0
