"""Addresses without a full ``reverse()`` where only UUIDs vary: reversed once per view name
with placeholder UUIDs, the UUIDs put in their place afterwards (a UUID needs no quoting, so the
result is what ``reverse()`` returns). Used by the ``{% url %}`` builtin
(core/templatetags/fast_url.py) and by the rows of tables (``uuid_address``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.urls import get_script_prefix, get_urlconf, reverse

_PLACEHOLDERS = tuple(uuid.UUID(f"00000000-0000-4000-8000-{i:012d}") for i in range(1, 5))
_LIMIT = 2_000  # addresses kept per process (view names x URL configurations, not per object)
_kept: dict[tuple, str] = {}


def _uuid_text(value) -> str | None:
    if isinstance(value, uuid.UUID):
        return str(value)
    return None


def url_scope() -> tuple:
    """What else an address depends on: the URL configuration and the script prefix of the
    request (both are looked up in context variables, ~3 µs together)."""
    return (get_urlconf(), get_script_prefix())


def fast_reverse(
    view_name: str, args: list, current_app: str | None, scope: tuple | None = None
) -> str:
    """As ``reverse(view_name, args=args, current_app=current_app)`` for no or UUID args.
    ``scope``: ``url_scope()`` if the caller has it already."""
    texts = [_uuid_text(arg) for arg in args]
    if None in texts or len(args) > len(_PLACEHOLDERS):
        return reverse(view_name, args=args, current_app=current_app)
    key = (view_name, len(args), current_app, *(scope or url_scope()))
    pattern = _kept.get(key)
    if pattern is None:
        pattern = reverse(view_name, args=_PLACEHOLDERS[: len(args)], current_app=current_app)
        if any(pattern.count(str(p)) != 1 for p in _PLACEHOLDERS[: len(args)]):
            return reverse(view_name, args=args, current_app=current_app)
        if len(_kept) >= _LIMIT:
            _kept.clear()
        _kept[key] = pattern
    for placeholder, text in zip(_PLACEHOLDERS, texts, strict=False):
        pattern = pattern.replace(str(placeholder), text)
    return pattern


def uuid_address(view_name: str) -> Callable[[object], str]:
    """The address of ``view_name`` as a function of its one UUID argument, for the rows of a
    table: the pattern is found once, each row only puts its UUID in."""
    placeholder = _PLACEHOLDERS[0]
    pattern = fast_reverse(view_name, [placeholder], None)
    text = str(placeholder)
    return lambda value: pattern.replace(text, str(value))
