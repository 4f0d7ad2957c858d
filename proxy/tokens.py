"""Token counts before the upstream has answered: an estimate and a bound.

`estimate_input_tokens` is the typical figure (English averages ~4 characters per token; we count
3.5, plus per-message framing and a flat charge per image). It checks the context window and is
the documented fallback when an upstream reports no usage.

`input_token_bound` is what a request reserves against token and money quotas: no supported
tokeniser can count more. Byte-level BPE (OpenAI, Anthropic, Llama-family servers) and
SentencePiece with byte fallback (Gemini, many open models) never produce more tokens than the
text has UTF-8 bytes; the chat template adds a few tokens per message, tool definitions are
rendered with a tool-use preamble (Anthropic documents ~350 tokens), a `response_format` schema
is sent along with an instruction, and an image costs at most `GATEWAY_RESERVE_TOKENS_PER_IMAGE`
(default 48,200: OpenAI's gpt-4o-mini counts 2,833 + 5,667 per 512-px tile, up to 8 tiles at high
detail; other vendors' images cost far less, and an operator serving only those can lower it).
The typical estimate undershoots text such as one-letter words or CJK (about a token per
character), and concurrent requests admitted on it could together pass a quota.
"""

import json
import math

from django.conf import settings

from proxy.providers.base import ChatRequest, Message

CHARS_PER_TOKEN = 3.5
TOKENS_PER_MESSAGE = 4
TOKENS_PER_IMAGE = 850
TOKENS_PER_TOOL_SPEC = 16


def estimate_text_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


def _image_count(message: Message) -> int:
    if not isinstance(message.content, list):
        return 0
    return sum(1 for part in message.content if part.type == "image")


def _message_tokens(message: Message) -> int:
    tokens = TOKENS_PER_MESSAGE + estimate_text_tokens(message.text())
    tokens += TOKENS_PER_IMAGE * _image_count(message)
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


# The bound's overheads (see the module docstring).
BOUND_TOKENS_PER_MESSAGE = 8  # role, name and separators in any vendor's chat template
BOUND_REPLY_PRIMING = 8
DEFAULT_BOUND_TOKENS_PER_IMAGE = 48_200
BOUND_TOOL_PREAMBLE = 600
BOUND_TOKENS_PER_TOOL = 32
BOUND_RESPONSE_FORMAT_INSTRUCTION = 200  # the JSON-mode instruction some providers add


def _utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass")) if text else 0


def _image_bound() -> int:
    return int(getattr(settings, "GATEWAY_RESERVE_TOKENS_PER_IMAGE", DEFAULT_BOUND_TOKENS_PER_IMAGE))


def _message_bound(message: Message) -> int:
    tokens = BOUND_TOKENS_PER_MESSAGE + _utf8_bytes(message.role) + _utf8_bytes(message.name or "")
    tokens += _utf8_bytes(message.tool_call_id or "")
    tokens += _utf8_bytes(message.text())
    tokens += _image_bound() * _image_count(message)
    for call in message.tool_calls:
        tokens += BOUND_TOKENS_PER_TOOL + _utf8_bytes(call.id) + _utf8_bytes(call.name)
        tokens += _utf8_bytes(call.arguments)
    return tokens


def input_token_bound(request: ChatRequest) -> int:
    """The most input tokens `request` can cost upstream (what quotas reserve)."""
    tokens = BOUND_REPLY_PRIMING + sum(_message_bound(message) for message in request.messages)
    if request.tools:
        tokens += BOUND_TOOL_PREAMBLE
    for tool in request.tools:
        schema = json.dumps(tool.parameters, ensure_ascii=False)
        tokens += BOUND_TOKENS_PER_TOOL + _utf8_bytes(tool.name + tool.description + schema)
    if request.response_format:
        schema = json.dumps(request.response_format, ensure_ascii=False)
        tokens += BOUND_RESPONSE_FORMAT_INSTRUCTION + _utf8_bytes(schema)
    return tokens
