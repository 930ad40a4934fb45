"""The cache of one installation is shared by all its server processes (same key prefix), and two
installations that share a cache (for example a training copy next to production on one Redis)
never read each other's cached figures: the prefix follows the database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def cache_of(database_url: str, cache_url: str = "") -> dict:
    """``CACHES["default"]`` as the production settings build it for these variables."""
    env = {
        **os.environ,
        "WEGWEISER_DEBUG": "1",
        "DATABASE_URL": database_url,
        "WEGWEISER_CACHE_URL": cache_url,
        "PYTHONPATH": str(SRC),
    }
    env.pop("WEGWEISER_TESTING", None)
    code = (
        "import json; from wegweiser import settings; print(json.dumps(settings.CACHES['default']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_installations_sharing_a_cache_keep_their_figures_apart():
    production = cache_of("postgres://wegweiser@db.internal:5432/wegweiser", "redis://cache:6379/0")
    again = cache_of("postgres://wegweiser@db.internal:5432/wegweiser", "redis://cache:6379/0")
    training = cache_of("postgres://wegweiser@db.internal:5432/schulung", "redis://cache:6379/0")
    assert production["BACKEND"].endswith("RedisCache")
    assert production["KEY_PREFIX"] == again["KEY_PREFIX"]  # every process of one installation
    assert production["KEY_PREFIX"] != training["KEY_PREFIX"]
    files = cache_of("postgres://wegweiser@db.internal:5432/wegweiser")
    assert files["BACKEND"].endswith("FileBasedCache")
    assert files["KEY_PREFIX"] == production["KEY_PREFIX"]
