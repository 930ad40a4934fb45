"""API routes of the referrals app (registered in api/api.py)."""

from ninja import Router

router = Router(tags=["referrals"])
