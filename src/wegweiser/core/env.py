"""Reading configuration from the environment; secrets may come from ``<NAME>_FILE``."""

from __future__ import annotations

import os
from pathlib import Path


def env(name: str, *, default: str = "") -> str:
    return os.environ.get(name, default)


def secret(name: str, *, default: str = "") -> str:
    """A secret from ``NAME`` or, if ``NAME_FILE`` is set, from that file (Docker/systemd
    secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def env_int(name: str, *, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, *, default: list[str], secret_file: bool = False) -> list[str]:
    value = secret(name) if secret_file else os.environ.get(name, "")
    if not value:
        return default
    return [item.strip() for item in value.replace("\n", ",").split(",") if item.strip()]
