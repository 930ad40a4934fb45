"""Exceptions the services raise; views and the API turn them into German messages."""

from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """Someone else saved the same record since it was loaded (optimistic locking)."""

    message = _(
        "Someone else has changed this record in the meantime. Your input is still shown; "
        "please check the current state and save again."
    )
