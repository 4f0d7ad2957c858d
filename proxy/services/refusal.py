"""The error the gateway raises when it refuses a request before any upstream call."""

from guardflow_site.errors import GuardflowError


class GatewayRejected(GuardflowError):
    """A refusal before any upstream call; carries the usage status it is recorded with."""

    def __init__(self, message: str, *, usage_status: str, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.usage_status = usage_status
