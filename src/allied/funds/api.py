"""/api/v1 operations of the funds app."""

from ninja import Router

router = Router(tags=["funds"])
