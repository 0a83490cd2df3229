"""Domain errors that every entry point (page, API, CLI) turns into one clear message."""


class DomainError(Exception):
    """A request that cannot be carried out; ``field`` names the input at fault, if any."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class NotFound(DomainError):
    """Missing or not visible: the two answer the same so nothing leaks."""

    status = 404

    def __init__(self, what: str = "object"):
        super().__init__(f"{what} not found", code="not_found")


class PermissionDenied(DomainError):
    status = 403

    def __init__(self, message: str = "You do not have permission to do this."):
        super().__init__(message, code="forbidden")


class Conflict(DomainError):
    status = 409

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message, field=field, code="conflict")


class RateLimited(DomainError):
    status = 429

    def __init__(self, message: str):
        super().__init__(message, code="rate_limited")
