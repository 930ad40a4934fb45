"""Validators for free text: no control characters, bounded length (German messages)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Tab, line feed and carriage return are allowed in multi-line text; everything else below 0x20,
# DEL, the C1 range and Unicode bidi overrides (used to disguise text) are refused.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def validate_no_control_characters(value: str) -> None:
    if value and _CONTROL.search(value):
        raise ValidationError(
            _("The text contains control characters that are not allowed."), code="control_chars"
        )


def validate_single_line(value: str) -> None:
    if value and _CONTROL_SINGLE_LINE.search(value):
        raise ValidationError(
            _("This field must be a single line without control characters."), code="control_chars"
        )
