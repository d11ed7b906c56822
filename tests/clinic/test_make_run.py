"""What a newcomer meets first: `make run`'s last words and a quiet `pip install -e .`."""

import io
import subprocess
import tomllib
from pathlib import Path

import pytest
from django.core.management import call_command

from clinic import demo

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_demo_accounts_lists_every_account_with_its_role_and_the_password():
    demo.seed_accounts("a-demo-password")
    out = call_command_output("demo_accounts", "--password", "a-demo-password")
    assert "password: a-demo-password" in out
    for username, role in (
        ("admin", "Administrator"),
        ("specialist", "Specialist"),
        ("editor", "Content editor"),
        ("patient", "Patient"),
        ("patient2", "Patient"),
    ):
        assert any(line.split()[:2] == [username, *role.split()[:1]] for line in out.splitlines())


def test_make_run_prints_the_demo_accounts_just_before_serving():
    dry_run = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    accounts = next(i for i, line in enumerate(dry_run) if "manage.py demo_accounts" in line)
    serving = next(i for i, line in enumerate(dry_run) if "manage.py runserver" in line)
    assert accounts < serving
    assert not any("seed_demo" in line or "migrate" in line for line in dry_run[accounts:])


def test_pyproject_names_its_licence_as_an_spdx_string_without_a_licence_classifier():
    """setuptools 77+ warns on the table form and on licence classifiers (PEP 639)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == "MIT"
    classifiers = pyproject["project"].get("classifiers", [])
    assert not [c for c in classifiers if c.startswith("License ::")]
    assert "setuptools>=77" in pyproject["build-system"]["requires"]


def call_command_output(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
