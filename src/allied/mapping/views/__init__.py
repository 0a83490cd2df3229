"""Co-selling pages: the console (vendor) in ``console``, the portal (partner) in ``portal``."""
