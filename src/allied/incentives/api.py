"""/api/v1 operations of the incentives app."""

from ninja import Router

router = Router(tags=["incentives"])
