"""API routes of the directory app (registered in api/api.py)."""

from ninja import Router

router = Router(tags=["directory"])
