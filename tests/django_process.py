"""Run a few lines of Python in a Django process of its own, with settings from the environment
given (none of the caller's DJANGO_* or DATABASE_* variables leak in): for the tests of
configurations the test process itself cannot take on."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_django(script, **env):
    """``(stdout, stderr)`` of ``python -c "import django; django.setup(); <script>"``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings.test", **env})
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + script],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout, result.stderr
