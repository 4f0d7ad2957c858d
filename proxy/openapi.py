"""OpenAPI description of the gateway endpoints.

They are plain async Django views (not DRF), so drf-spectacular cannot discover them; this
postprocessing hook adds them to /api/v1/schema so Swagger UI documents (and can try) them.
The request/response bodies are the OpenAI and Anthropic wire formats, described briefly here;
the vendors' own API references are the full specification.
"""

ERROR = {"$ref": "#/components/schemas/GatewayError"}

_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "type": {"type": "string"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "param": {"type": "string", "nullable": True},
            },
            "required": ["type", "code", "message", "param"],
        }
    },
}

_CHAT_REQUEST = {
    "type": "object",
    "required": ["model", "messages"],
    "properties": {
        "model": {"type": "string", "example": "mock"},
        "messages": {
            "type": "array",
            "items": {"type": "object"},
            "example": [{"role": "user", "content": "Hello!"}],
        },
        "stream": {"type": "boolean"},
        "stream_options": {"type": "object", "properties": {"include_usage": {"type": "boolean"}}},
        "max_tokens": {"type": "integer"},
        "max_completion_tokens": {"type": "integer"},
        "temperature": {"type": "number"},
        "top_p": {"type": "number"},
        "stop": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "tools": {"type": "array", "items": {"type": "object"}},
        "tool_choice": {},
        "response_format": {"type": "object"},
        "seed": {"type": "integer"},
        "user": {"type": "string"},
        "task_id": {"type": "integer", "description": "Guardflow: the declared task (purpose) of this call."},
    },
}

_MESSAGES_REQUEST = {
    "type": "object",
    "required": ["model", "max_tokens", "messages"],
    "properties": {
        "model": {"type": "string", "example": "mock"},
        "max_tokens": {"type": "integer", "example": 256},
        "system": {},
        "messages": {
            "type": "array",
            "items": {"type": "object"},
            "example": [{"role": "user", "content": "Hi"}],
        },
        "stream": {"type": "boolean"},
        "tools": {"type": "array", "items": {"type": "object"}},
        "task_id": {"type": "integer"},
    },
}

_LIMIT_HEADERS = {
    name: {"schema": {"type": "string"}, "description": text}
    for name, text in (
        ("X-RateLimit-Limit", "Ceiling of the tightest request-rate limit."),
        ("X-RateLimit-Remaining", "Requests left in that window."),
        ("X-RateLimit-Reset", "Unix time when that window resets."),
    )
}


def _errors(*statuses: int) -> dict:
    return {
        str(s): {"description": "Error", "content": {"application/json": {"schema": ERROR}}} for s in statuses
    }


def _post(operation_id: str, summary: str, request: dict, description: str) -> dict:
    return {
        "post": {
            "operationId": operation_id,
            "tags": ["gateway"],
            "summary": summary,
            "description": description,
            "security": [{"bearerAuth": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": request}}},
            "responses": {
                "200": {
                    "description": "The answer (JSON), or an SSE stream when `stream` is true.",
                    "headers": _LIMIT_HEADERS,
                    "content": {"application/json": {"schema": {"type": "object"}}, "text/event-stream": {}},
                },
                **_errors(400, 401, 403, 404, 413, 415, 429, 502, 503, 504),
            },
        }
    }


def _get(operation_id: str, summary: str, description: str) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "tags": ["gateway"],
            "summary": summary,
            "description": description,
            "security": [{"bearerAuth": []}],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {}}},
                **_errors(401, 403),
            },
        }
    }


GATEWAY_PATHS = {
    "/api/v1/chat/completions": _post(
        "chat_completions_create",
        "OpenAI-compatible chat completions",
        _CHAT_REQUEST,
        "The OpenAI Chat Completions API. Also served at /v1/chat/completions.",
    ),
    "/api/v1/messages": _post(
        "messages_create",
        "Anthropic-compatible messages",
        _MESSAGES_REQUEST,
        "The Anthropic Messages API; `x-api-key` is accepted too. Also served at /v1/messages.",
    ),
    "/api/v1/models": _get(
        "models_list", "Models you may use", "OpenAI list shape. Also served at /v1/models."
    ),
    "/api/v1/rate-limit": _get(
        "rate_limit_retrieve", "Your limits", "Every limit that applies to you: used, remaining, reset time."
    ),
    "/api/v1/user/quota": _get("user_quota_retrieve", "Your quota", "Same figures as /rate-limit."),
}


def add_gateway_paths(result: dict, generator, request, public) -> dict:
    """drf-spectacular POSTPROCESSING_HOOKS entry."""
    result.setdefault("paths", {}).update(GATEWAY_PATHS)
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["GatewayError"] = _ERROR_SCHEMA
    components.setdefault("securitySchemes", {}).setdefault(
        "bearerAuth",
        {"type": "http", "scheme": "bearer", "description": "A JWT access token or a gf_ API token."},
    )
    return result
