"""/api/v1 operations of the payouts app."""

from ninja import Router

router = Router(tags=["payouts"])
