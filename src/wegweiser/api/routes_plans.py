"""API routes of the plans app (registered in api/api.py)."""

from ninja import Router

router = Router(tags=["plans"])
