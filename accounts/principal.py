"""Who is calling: the one value the gateway and every API view need to authorise a request."""

from dataclasses import dataclass, field
from decimal import Decimal

LimitValue = int | Decimal | None

# A person logged in with a JWT may do everything their role allows; scopes narrow API tokens.
ALL_SCOPES: frozenset[str] = frozenset({"gateway", "usage:read", "chats", "workflows"})


@dataclass(frozen=True)
class Principal:
    user_id: int
    email: str
    role: str
    token_id: int | None
    scopes: frozenset[str]
    allowed_models: frozenset[str] | None  # None = any model
    bound_task_id: int | None
    user_limits: dict[str, LimitValue] = field(default_factory=dict, hash=False)
    token_limits: dict[str, LimitValue] = field(default_factory=dict, hash=False)
    token_prefix: str = ""  # recognisable start of the API token, for usage records and logs

    @property
    def is_operator(self) -> bool:
        return self.role == "admin"

    @property
    def is_api_token(self) -> bool:
        return self.token_id is not None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def may_use_model(self, model_name: str) -> bool:
        return self.allowed_models is None or model_name in self.allowed_models
