"""Token estimates, used to reserve quota before a request goes upstream and as the documented
fallback figure when an upstream reports no usage.

The estimate is deliberately on the high side of real tokenisers (English averages ~4 characters
per token; we count 3.5, plus per-message framing and a flat charge per image), so a reservation
rarely undershoots what the upstream later reports.
"""

import math

from proxy.providers.base import ChatRequest, Message

CHARS_PER_TOKEN = 3.5
TOKENS_PER_MESSAGE = 4
TOKENS_PER_IMAGE = 850
TOKENS_PER_TOOL_SPEC = 16


def estimate_text_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


def _message_tokens(message: Message) -> int:
    tokens = TOKENS_PER_MESSAGE + estimate_text_tokens(message.text())
    if isinstance(message.content, list):
        tokens += TOKENS_PER_IMAGE * sum(1 for part in message.content if part.type == "image")
    for call in message.tool_calls:
        tokens += estimate_text_tokens(call.name) + estimate_text_tokens(call.arguments)
    return tokens


def estimate_input_tokens(request: ChatRequest) -> int:
    tokens = sum(_message_tokens(message) for message in request.messages)
    for tool in request.tools:
        tokens += TOKENS_PER_TOOL_SPEC + estimate_text_tokens(
            tool.name + tool.description + str(tool.parameters)
        )
    return tokens
