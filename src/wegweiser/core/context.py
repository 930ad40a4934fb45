"""Per-request context (the client IP) for the audit log, set by RequestContextMiddleware."""

from __future__ import annotations

from contextvars import ContextVar

_ip: ContextVar[str | None] = ContextVar("wegweiser_ip", default=None)


def set_current_ip(ip: str | None):
    return _ip.set(ip)


def reset_current_ip(token) -> None:
    _ip.reset(token)


def current_ip() -> str | None:
    return _ip.get()
