import os
import subprocess
import sys

import pytest


def _import_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_the_default_secret_key():
    result = _import_settings(DJANGO_DEBUG="false")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("debug", ["false", "0", "no"])
def test_production_starts_with_a_real_secret_key(debug):
    result = _import_settings(DJANGO_DEBUG=debug, DJANGO_SECRET_KEY="x" * 50)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


def test_laptop_defaults_to_sqlite_even_with_empty_variables():
    result = _import_settings(DATABASE_URL="", DJANGO_SECRET_KEY="")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]
