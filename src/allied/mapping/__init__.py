"""Co-selling: the vendor's and partners' account lists, populations, batch mapping with
``allied.matching``, sharing controls with dual opt-in, the overlap report, co-sell opportunities,
private mapping by set intersection (``allied.psi``) and partner-to-partner discovery."""
