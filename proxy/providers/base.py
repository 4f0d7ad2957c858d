"""The provider contract: normalised request, result, stream chunk, usage and one error type.

Every vendor module (`openai.py`, `azure.py`, `openai_compatible.py`, `anthropic.py`,
`gemini.py`, `mock.py`) maps its SDK to these types and nothing else; the gateway, the client
formats (OpenAI / Anthropic wire shapes) and the limits only ever see these. Only
`proxy/providers/<vendor>.py` imports a vendor SDK (DESIGN §1 rule 1).
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant", "tool"]
FinishReason = Literal["stop", "length", "tool_calls", "content_filter", "error"]


@dataclass(frozen=True)
class ContentPart:
    """One part of a message: text, or an image given as a URL or a `data:` URI."""

    type: Literal["text", "image"]
    text: str = ""
    image_url: str = ""  # http(s) URL or data:<media-type>;base64,<data>
    detail: str | None = None  # OpenAI image detail hint, carried when present


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # JSON text, exactly as the model produced it


@dataclass(frozen=True)
class Message:
    role: Role
    # Plain text, or parts (text and images). None for an assistant turn that only calls tools.
    content: str | list[ContentPart] | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    tool_call_id: str | None = None  # for role == "tool": which call this answers
    name: str | None = None

    def text(self) -> str:
        """All the text of this message (image parts skipped): what the guard and estimates read."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "\n".join(part.text for part in self.content if part.type == "text")


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)  # JSON Schema


@dataclass
class ChatRequest:
    """A chat request in the gateway's own terms. `model` is the upstream model name."""

    model: str
    messages: list[Message]
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop: list[str] = field(default_factory=list)
    tools: list[ToolSpec] = field(default_factory=list)
    # "auto" | "none" | "required" | {"name": "<tool>"} (a specific tool) | None (provider default)
    tool_choice: str | dict[str, str] | None = None
    response_format: dict[str, Any] | None = None  # OpenAI shape: {"type": "json_object"} etc.
    seed: int | None = None
    user: str | None = None
    stream: bool = False


@dataclass(frozen=True)
class Usage:
    input_tokens: int
    output_tokens: int
    # True when the upstream reported nothing and the figure is the gateway's estimate.
    estimated: bool = False

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass
class ChatResult:
    id: str
    model: str  # as the upstream named it
    content: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: FinishReason = "stop"
    usage: Usage | None = None


@dataclass(frozen=True)
class ToolCallDelta:
    index: int
    id: str | None = None  # present on the first delta of a call
    name: str | None = None  # present on the first delta of a call
    arguments: str = ""  # the next piece of the JSON arguments


@dataclass(frozen=True)
class StreamChunk:
    """One increment of a streamed answer. The last chunk carries finish_reason and, when the
    upstream reports it, usage (a chunk may carry only usage)."""

    text: str = ""
    tool_calls: tuple[ToolCallDelta, ...] = ()
    finish_reason: FinishReason | None = None
    usage: Usage | None = None


@dataclass(frozen=True)
class DeploymentTarget:
    """Everything a provider needs to call one upstream; built by the router from a Deployment."""

    provider: str
    upstream_model: str
    base_url: str = ""
    api_key: str = field(default="", repr=False)  # never in a log line or a traceback's locals
    api_version: str = ""
    timeout_seconds: float = 60.0
    options: dict[str, Any] = field(default_factory=dict)
    deployment_id: int | None = None


class ProviderError(Exception):
    """The one error a provider raises. The message is safe to show a client: it never holds a
    credential, an internal URL or upstream response text that could echo one."""

    def __init__(self, message: str, *, retryable: bool, status: int = 502, code: str = "upstream_error"):
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.status = status  # what the gateway answers: 400 (client's fault), 502, 503, 504
        self.code = code


class Provider(abc.ABC):
    """A transport to one vendor. Implementations keep one SDK client per (base_url, key,
    timeout) so connections are pooled, and turn the SDK's own retries off."""

    name: str

    @abc.abstractmethod
    async def complete(self, target: DeploymentTarget, request: ChatRequest) -> ChatResult:
        """One non-streamed answer, or ProviderError."""

    @abc.abstractmethod
    def stream(self, target: DeploymentTarget, request: ChatRequest) -> AsyncIterator[StreamChunk]:
        """An async iterator of chunks. Errors before the first chunk raise ProviderError from
        the first `__anext__`; errors after it raise ProviderError mid-stream."""
