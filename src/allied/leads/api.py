from ninja import Router

router = Router(tags=["leads"])
settings_router = Router(tags=["leads"])
