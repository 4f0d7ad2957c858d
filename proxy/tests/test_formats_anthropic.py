"""The Anthropic wire format: request parsing/validation, rendering, and the real `anthropic` SDK on it."""

from __future__ import annotations

import random

import anthropic
import httpx2
import orjson
import pytest

from guardflow_site.errors import GuardflowError
from proxy.formats.anthropic_format import (
    AnthropicStreamRenderer,
    anthropic_error_body,
    anthropic_message_render,
    anthropic_request_parse,
)
from proxy.formats.openai_format import OpenAIStreamRenderer, openai_request_parse
from proxy.providers.base import ChatResult, ContentPart, Message, StreamChunk, ToolCall, ToolCallDelta, Usage
from proxy.tests.test_formats_openai import junk_value, mutated_copies

PNG_DATA = "iVBORw0KGgo="
USAGE = Usage(12, 6)


def messages_body(**fields) -> dict:
    body = {"model": "claude-test", "max_tokens": 256, "messages": [{"role": "user", "content": "Hello"}]}
    body.update(fields)
    return body


def parse_error(body: object) -> GuardflowError:
    with pytest.raises(GuardflowError) as caught:
        anthropic_request_parse(body)
    assert caught.value.status_code == 400
    assert caught.value.code == "invalid_request"
    return caught.value


# --- parsing -----------------------------------------------------------------------------------


def test_minimal_request_is_normalised():
    parsed = anthropic_request_parse(messages_body())
    assert parsed.model_name == "claude-test" and parsed.request.model == "claude-test"
    assert parsed.request.max_tokens == 256
    assert parsed.request.messages == [Message(role="user", content="Hello")]
    assert (parsed.stream, parsed.include_usage, parsed.task_id) == (False, False, None)


def test_every_supported_field_is_carried():
    parsed = anthropic_request_parse(
        messages_body(
            system=[
                {"type": "text", "text": "Be brief."},
                {"type": "text", "text": "Be kind.", "cache_control": {}},
            ],
            stop_sequences=["END"],
            temperature=0.3,
            top_p=0.9,
            top_k=40,
            stream=True,
            metadata={"user_id": "u-1"},
            task_id="8",
            tools=[{"name": "get_weather", "description": "Weather", "input_schema": {"type": "object"}}],
            tool_choice={"type": "tool", "name": "get_weather"},
        )
    )
    request = parsed.request
    assert (parsed.stream, parsed.include_usage, parsed.task_id) == (True, True, 8)
    assert request.messages[0] == Message(role="system", content="Be brief.\nBe kind.")
    assert (request.stop, request.temperature, request.top_p, request.user) == (["END"], 0.3, 0.9, "u-1")
    assert request.tools[0].name == "get_weather" and request.tools[0].parameters == {"type": "object"}
    assert request.tools[0].description == "Weather"
    assert request.tool_choice == {"name": "get_weather"}


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ({"type": "auto"}, "auto"),
        ({"type": "any"}, "required"),
        ({"type": "none"}, "none"),
        ({"type": "tool", "name": "f", "disable_parallel_tool_use": True}, {"name": "f"}),
    ],
)
def test_tool_choice_mapping(choice, expected):
    tools = [{"name": "f", "input_schema": {"type": "object"}}]
    assert (
        anthropic_request_parse(messages_body(tools=tools, tool_choice=choice)).request.tool_choice
        == expected
    )


def test_content_blocks_map_to_parts_tool_calls_and_tool_messages():
    messages = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Look:"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_DATA}},
                {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "hmm", "signature": "s"},
                {"type": "text", "text": "Let me zoom."},
                {"type": "tool_use", "id": "toolu_1", "name": "zoom", "input": {"level": 2}},
                {"type": "tool_use", "id": "toolu_2", "name": "crop", "input": {}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "zoomed"},
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_2",
                    "is_error": True,
                    "content": [
                        {"type": "text", "text": "no crop"},
                        {
                            "type": "image",
                            "source": {"type": "base64", "media_type": "image/jpeg", "data": "AA"},
                        },
                    ],
                },
                {"type": "text", "text": "Now?"},
            ],
        },
        {"role": "assistant", "content": "It is a cat."},
    ]
    out = anthropic_request_parse(messages_body(messages=messages)).request.messages
    assert out[0] == Message(
        role="user",
        content=[
            ContentPart(type="text", text="Look:"),
            ContentPart(type="image", image_url=f"data:image/png;base64,{PNG_DATA}"),
            ContentPart(type="image", image_url="https://example.com/cat.jpg"),
        ],
    )
    assert out[1] == Message(
        role="assistant",
        content="Let me zoom.",
        tool_calls=[
            ToolCall(id="toolu_1", name="zoom", arguments='{"level":2}'),
            ToolCall(id="toolu_2", name="crop", arguments="{}"),
        ],
    )
    assert out[2] == Message(role="tool", content="zoomed", tool_call_id="toolu_1")
    assert out[3] == Message(role="tool", content="Error: no crop", tool_call_id="toolu_2")
    assert out[4] == Message(
        role="user",
        content=[
            ContentPart(type="image", image_url="data:image/jpeg;base64,AA"),
            ContentPart(type="text", text="Now?"),
        ],
    )
    assert out[5] == Message(role="assistant", content="It is a cat.")
    assert len(out) == 6


def test_assistant_turn_with_only_tool_use_has_no_content():
    messages = [
        {"role": "user", "content": "x"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "f", "input": {}}]},
    ]
    assert anthropic_request_parse(messages_body(messages=messages)).request.messages[1].content is None


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"model": None}, "model"),
        ({"model": ["x"]}, "model"),
        ({"max_tokens": None}, "max_tokens"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"max_tokens": "5"}, "max_tokens"),
        ({"max_tokens": True}, "max_tokens"),
        ({"messages": []}, "messages"),
        ({"messages": None}, "messages"),
        ({"messages": {"role": "user"}}, "messages"),
        ({"messages": [{"role": "system", "content": "x"}]}, "messages[0].role"),
        (
            {"messages": [{"role": "user", "content": "a"}, {"role": "tool", "content": "b"}]},
            "messages[1].role",
        ),
        ({"messages": [{"role": "user", "content": None}]}, "messages[0].content"),
        ({"messages": [{"role": "user", "content": []}]}, "messages[0].content"),
        ({"messages": [{"role": "user", "content": [{"type": "document"}]}]}, "messages[0].content[0].type"),
        ({"messages": [{"role": "user", "content": [{"type": "text"}]}]}, "messages[0].content[0].text"),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [{"type": "image", "source": {"type": "file", "file_id": "f"}}],
                    }
                ]
            },
            "messages[0].content[0].source.type",
        ),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "image",
                                "source": {"type": "base64", "media_type": "image/tiff", "data": "AA"},
                            }
                        ],
                    }
                ]
            },
            "messages[0].content[0].source.media_type",
        ),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "image",
                                "source": {"type": "base64", "media_type": "image/png", "data": ""},
                            }
                        ],
                    }
                ]
            },
            "messages[0].content[0].source.data",
        ),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [{"type": "image", "source": {"type": "url", "url": "gopher://x"}}],
                    }
                ]
            },
            "messages[0].content[0].source.url",
        ),
        (
            {"messages": [{"role": "user", "content": [{"type": "tool_result"}]}]},
            "messages[0].content[0].tool_use_id",
        ),
        (
            {
                "messages": [
                    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": 5}]}
                ]
            },
            "messages[0].content[0].content",
        ),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [{"type": "tool_result", "tool_use_id": "t", "is_error": "yes"}],
                    }
                ]
            },
            "messages[0].content[0].is_error",
        ),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "tool_result", "tool_use_id": "t", "content": [{"type": "tool_use"}]}
                        ],
                    }
                ]
            },
            "messages[0].content[0].content[0].type",
        ),
        (
            {
                "messages": [
                    {
                        "role": "assistant",
                        "content": [{"type": "tool_use", "id": "t", "name": "f", "input": []}],
                    }
                ]
            },
            "messages[0].content[0].input",
        ),
        (
            {
                "messages": [
                    {"role": "assistant", "content": [{"type": "tool_use", "name": "f", "input": {}}]}
                ]
            },
            "messages[0].content[0].id",
        ),
        (
            {"messages": [{"role": "assistant", "content": [{"type": "image"}]}]},
            "messages[0].content[0].type",
        ),
        ({"system": 5}, "system"),
        ({"system": [{"type": "image"}]}, "system[0].type"),
        ({"stop_sequences": "END"}, "stop_sequences"),
        ({"stop_sequences": [""]}, "stop_sequences[0]"),
        ({"temperature": 1.5}, "temperature"),
        ({"top_p": -1}, "top_p"),
        ({"top_k": -1}, "top_k"),
        ({"stream": 1}, "stream"),
        ({"metadata": "u"}, "metadata"),
        ({"metadata": {"user_id": 5}}, "metadata.user_id"),
        ({"tools": [{"name": "f"}]}, "tools[0].input_schema"),
        ({"tools": [{"name": "has space", "input_schema": {}}]}, "tools[0].name"),
        ({"tools": [{"type": "web_search_20250305", "name": "web_search"}]}, "tools[0].type"),
        ({"tools": [{"name": "f", "input_schema": {}}, {"name": "f", "input_schema": {}}]}, "tools[1].name"),
        ({"tool_choice": "auto"}, "tool_choice"),
        ({"tool_choice": {"type": "any"}}, "tool_choice.type"),
        ({"tool_choice": {"type": "sometimes"}}, "tool_choice.type"),
        (
            {"tools": [{"name": "f", "input_schema": {}}], "tool_choice": {"type": "tool", "name": "g"}},
            "tool_choice.name",
        ),
        ({"task_id": "x1"}, "task_id"),
        ({"task_id": {}}, "task_id"),
    ],
)
def test_invalid_fields_are_400_naming_the_field(fields, param):
    error = parse_error(messages_body(**fields))
    assert error.param == param
    assert param in str(error.detail)


@pytest.mark.parametrize("body", [None, [], "x", 5, False])
def test_non_object_bodies_are_400(body):
    assert parse_error(body).param == "body"


RICH_ANTHROPIC_BODY = messages_body(
    system=[{"type": "text", "text": "s"}],
    stream=True,
    stop_sequences=["x"],
    task_id=2,
    metadata={"user_id": "u"},
    tools=[{"name": "f", "input_schema": {"type": "object"}}],
    tool_choice={"type": "tool", "name": "f"},
    messages=[
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "t"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_DATA}},
            ],
        },
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "t1", "name": "f", "input": {"a": [1]}}],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "t1", "content": [{"type": "text", "text": "r"}]}
            ],
        },
    ],
)


def test_odd_bodies_never_crash_the_parser():
    rng = random.Random(7)
    odd = [
        None,
        [],
        "x",
        {},
        {"messages": 5},
        {"model": "m", "max_tokens": 1, "messages": [[]]},
        {"model": "m", "max_tokens": 1, "messages": [{"role": "user", "content": [None]}]},
        {"model": "m", "max_tokens": 1, "system": [[{}]], "messages": [{}]},
    ]
    odd += [junk_value(rng) for _ in range(300)]
    odd += list(mutated_copies(rng, RICH_ANTHROPIC_BODY, 1500))
    outcomes = {"ok": 0, "400": 0}
    for body in odd:
        try:
            anthropic_request_parse(body)
            outcomes["ok"] += 1
        except GuardflowError as error:
            assert error.status_code == 400 and error.param, body
            outcomes["400"] += 1
    assert outcomes["ok"] > 0 and outcomes["400"] > 0


# --- rendering ---------------------------------------------------------------------------------


def render(result: ChatResult, **kwargs) -> dict:
    return orjson.loads(
        anthropic_message_render(
            result=result, model_name="claude-test", message_id="msg_1", usage=USAGE, **kwargs
        )
    )


def test_message_render_has_the_message_shape():
    body = render(ChatResult(id="u", model="upstream", content="Hi!", finish_reason="stop"))
    assert body == {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": [{"type": "text", "text": "Hi!"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 12,
            "output_tokens": 6,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        },
    }


def test_message_render_tool_use_blocks():
    result = ChatResult(
        id="u",
        model="m",
        content="",
        finish_reason="tool_calls",
        tool_calls=[
            ToolCall(id="call_1", name="f", arguments='{"a": [1, 2]}'),
            ToolCall(id="", name="g", arguments="not json"),
            ToolCall(id="call_3", name="h", arguments="[1]"),
        ],
    )
    body = render(result)
    assert body["stop_reason"] == "tool_use"
    first, second, third = body["content"]
    assert first == {"type": "tool_use", "id": "call_1", "name": "f", "input": {"a": [1, 2]}}
    assert second["input"] == {} and second["id"].startswith("toolu_")
    assert third["input"] == {}


@pytest.mark.parametrize(
    ("reason", "stop_sequence", "expected"),
    [
        ("stop", None, "end_turn"),
        ("length", None, "max_tokens"),
        ("tool_calls", None, "tool_use"),
        ("content_filter", None, "refusal"),
        ("error", None, "end_turn"),
        ("stop", "END", "stop_sequence"),
        ("length", "END", "max_tokens"),
    ],
)
def test_stop_reason_mapping(reason, stop_sequence, expected):
    body = render(
        ChatResult(id="u", model="m", content="x", finish_reason=reason), stop_sequence=stop_sequence
    )
    assert body["stop_reason"] == expected
    assert body["stop_sequence"] == (stop_sequence if expected == "stop_sequence" else None)


def parse_events(raw: bytes) -> list[tuple[str, dict]]:
    events = []
    for block in raw.decode().split("\n\n"):
        if block:
            name_line, data_line = block.split("\n")
            events.append((name_line.removeprefix("event: "), orjson.loads(data_line.removeprefix("data: "))))
    return events


def test_stream_renderer_opens_and_closes_blocks_in_order():
    renderer = AnthropicStreamRenderer("claude-test", "msg_2", 20)
    raw = renderer.start() + renderer.ping() + renderer.chunk(StreamChunk(text="Hi"))
    raw += renderer.chunk(
        StreamChunk(tool_calls=(ToolCallDelta(index=0, id="call_a", name="f", arguments='{"x"'),))
    )
    raw += renderer.chunk(StreamChunk(tool_calls=(ToolCallDelta(index=0, arguments=":1}"),)))
    raw += renderer.chunk(StreamChunk(finish_reason="tool_calls"))
    raw += renderer.finish(Usage(18, 9))
    events = parse_events(raw)
    assert [name for name, _ in events] == [
        "message_start",
        "ping",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert all(data["type"] == name for name, data in events)
    assert events[0][1]["message"]["usage"] == {"input_tokens": 20, "output_tokens": 0}
    assert events[2][1] == {
        "type": "content_block_start",
        "index": 0,
        "content_block": {"type": "text", "text": ""},
    }
    assert events[3][1]["delta"] == {"type": "text_delta", "text": "Hi"}
    assert events[5][1]["index"] == 1
    assert events[5][1]["content_block"] == {"type": "tool_use", "id": "call_a", "name": "f", "input": {}}
    assert events[6][1]["delta"] == {"type": "input_json_delta", "partial_json": '{"x"'}
    assert events[9][1]["delta"] == {"stop_reason": "tool_use", "stop_sequence": None}
    assert events[9][1]["usage"] == {"input_tokens": 18, "output_tokens": 9}


def test_empty_stream_still_has_one_text_block():
    renderer = AnthropicStreamRenderer("m", "msg", 1)
    names = [name for name, _ in parse_events(renderer.start() + renderer.finish(Usage(1, 0)))]
    assert names == [
        "message_start",
        "content_block_start",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]


def test_stream_error_event_in_anthropic_shape():
    renderer = AnthropicStreamRenderer("m", "msg", 1)
    [(name, data)] = parse_events(renderer.error(503, "upstream_unavailable", "Try later."))
    assert name == "error"
    assert data == {
        "type": "error",
        "error": {"type": "overloaded_error", "code": "upstream_unavailable", "message": "Try later."},
    }


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (403, "permission_error"),
        (404, "not_found_error"),
        (413, "request_too_large"),
        (429, "rate_limit_error"),
        (502, "api_error"),
        (504, "api_error"),
    ],
)
def test_error_body_types(status, error_type):
    body = orjson.loads(anthropic_error_body(status, "some_code", "Message."))
    assert body == {
        "type": "error",
        "error": {"type": error_type, "code": "some_code", "message": "Message."},
    }


# --- the real anthropic SDK reads what we render ---------------------------------------------------


def sdk_client(body: bytes, *, stream: bool = False, status: int = 200) -> tuple[anthropic.Anthropic, list]:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        content_type = "text/event-stream" if stream else "application/json"
        return httpx2.Response(status, content=body, headers={"content-type": content_type})

    client = anthropic.Anthropic(
        api_key="gf_test",
        base_url="http://gateway.test",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    return client, seen


def test_sdk_parses_a_message_with_text_and_tool_use():
    result = ChatResult(
        id="u",
        model="m",
        content="Checking.",
        finish_reason="tool_calls",
        tool_calls=[ToolCall(id="toolu_1", name="get_weather", arguments='{"city":"Oslo"}')],
    )
    raw = anthropic_message_render(result=result, model_name="claude-test", message_id="msg_9", usage=USAGE)
    client, seen = sdk_client(raw)
    message = client.messages.create(
        model="claude-test", max_tokens=10, messages=[{"role": "user", "content": "x"}]
    )
    assert seen[0].url.path == "/v1/messages"
    assert message.id == "msg_9" and message.model == "claude-test" and message.role == "assistant"
    text, tool = message.content
    assert text.type == "text" and text.text == "Checking."
    assert (tool.type, tool.id, tool.name, tool.input) == (
        "tool_use",
        "toolu_1",
        "get_weather",
        {"city": "Oslo"},
    )
    assert message.stop_reason == "tool_use"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (12, 6)


STREAM_CHUNKS = [
    StreamChunk(text="Let me "),
    StreamChunk(text="check."),
    StreamChunk(tool_calls=(ToolCallDelta(index=0, id="toolu_a", name="get_weather", arguments=""),)),
    StreamChunk(tool_calls=(ToolCallDelta(index=0, arguments='{"city": '),)),
    StreamChunk(
        tool_calls=(
            ToolCallDelta(index=0, arguments='"Oslo"}'),
            ToolCallDelta(index=1, id="toolu_b", name="get_time", arguments="{}"),
        )
    ),
    StreamChunk(finish_reason="tool_calls"),
]


def anthropic_stream_bytes(chunks: list[StreamChunk]) -> bytes:
    renderer = AnthropicStreamRenderer("claude-test", "msg_s", 10)
    return (
        renderer.start()
        + renderer.ping()
        + b"".join(renderer.chunk(c) for c in chunks)
        + renderer.finish(Usage(11, 7))
    )


def test_sdk_stream_helper_accumulates_text_and_tool_use():
    client, _ = sdk_client(anthropic_stream_bytes(STREAM_CHUNKS), stream=True)
    with client.messages.stream(
        model="claude-test", max_tokens=10, messages=[{"role": "user", "content": "x"}]
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "Let me check."
    assert [block.type for block in final.content] == ["text", "tool_use", "tool_use"]
    assert final.content[1].input == {"city": "Oslo"} and final.content[1].id == "toolu_a"
    assert final.content[2].name == "get_time" and final.content[2].input == {}
    assert final.stop_reason == "tool_use"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (11, 7)


def test_sdk_raw_stream_events():
    client, _ = sdk_client(
        anthropic_stream_bytes([StreamChunk(text="Hi"), StreamChunk(finish_reason="length")]), stream=True
    )
    events = list(
        client.messages.create(
            model="claude-test", max_tokens=10, stream=True, messages=[{"role": "user", "content": "x"}]
        )
    )
    assert [e.type for e in events] == [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert events[2].delta.text == "Hi"
    assert events[4].delta.stop_reason == "max_tokens" and events[4].usage.output_tokens == 7


def test_sdk_raises_on_an_error_event_mid_stream():
    renderer = AnthropicStreamRenderer("claude-test", "msg_e", 1)
    raw = (
        renderer.start()
        + renderer.chunk(StreamChunk(text="par"))
        + renderer.error(502, "upstream_error", "Boom.")
    )
    client, _ = sdk_client(raw, stream=True)
    with (
        pytest.raises(anthropic.APIStatusError, match="Boom"),
        client.messages.stream(
            model="claude-test", max_tokens=5, messages=[{"role": "user", "content": "x"}]
        ) as stream,
    ):
        stream.get_final_message()


def test_sdk_reads_the_error_body():
    client, _ = sdk_client(anthropic_error_body(429, "rate_limit_exceeded", "Slow down."), status=429)
    with pytest.raises(anthropic.RateLimitError) as caught:
        client.messages.create(model="claude-test", max_tokens=5, messages=[{"role": "user", "content": "x"}])
    assert caught.value.body["error"]["message"] == "Slow down."


# --- cross-format: an OpenAI client's request, answered in the Anthropic shape ------------------


def test_openai_request_and_anthropic_request_normalise_alike_and_render_both_ways():
    openai_request = openai_request_parse(
        {
            "model": "gpt-test",
            "max_tokens": 32,
            "tools": [{"type": "function", "function": {"name": "zoom", "parameters": {"type": "object"}}}],
            "tool_choice": "required",
            "messages": [
                {"role": "system", "content": "sys"},
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "see"},
                        {"type": "image_url", "image_url": {"url": "data:image/png;base64," + PNG_DATA}},
                    ],
                },
                {
                    "role": "assistant",
                    "content": "ok",
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "zoom", "arguments": '{"level":2}'},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "call_1", "content": "done"},
            ],
        }
    ).request
    anthropic_request = anthropic_request_parse(
        messages_body(
            model="gpt-test",
            max_tokens=32,
            system="sys",
            tool_choice={"type": "any"},
            tools=[{"name": "zoom", "input_schema": {"type": "object"}}],
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "see"},
                        {
                            "type": "image",
                            "source": {"type": "base64", "media_type": "image/png", "data": PNG_DATA},
                        },
                    ],
                },
                {
                    "role": "assistant",
                    "content": [
                        {"type": "text", "text": "ok"},
                        {"type": "tool_use", "id": "call_1", "name": "zoom", "input": {"level": 2}},
                    ],
                },
                {
                    "role": "user",
                    "content": [{"type": "tool_result", "tool_use_id": "call_1", "content": "done"}],
                },
            ],
        )
    ).request
    assert openai_request.messages == anthropic_request.messages
    assert (openai_request.tools, openai_request.tool_choice) == (
        anthropic_request.tools,
        anthropic_request.tool_choice,
    )
    # An OpenAI-served answer (ids "call_...") reaches an Anthropic client as tool_use blocks...
    result = ChatResult(
        id="chatcmpl-x",
        model="gpt-4o",
        content="",
        finish_reason="tool_calls",
        tool_calls=[ToolCall(id="call_7", name="zoom", arguments='{"level":3}')],
    )
    client, _ = sdk_client(
        anthropic_message_render(result=result, model_name="gpt-test", message_id="msg_x", usage=USAGE)
    )
    message = client.messages.create(
        model="gpt-test", max_tokens=5, messages=[{"role": "user", "content": "x"}]
    )
    assert message.content[0].input == {"level": 3} and message.stop_reason == "tool_use"
    # ...and an Anthropic-style stream renders for an OpenAI client.
    renderer = OpenAIStreamRenderer("claude-test", "chatcmpl-y", 1, include_usage=True)
    raw = renderer.start() + b"".join(renderer.chunk(c) for c in STREAM_CHUNKS) + renderer.finish(Usage(3, 4))
    assert b'"finish_reason":"tool_calls"' in raw and raw.endswith(b"data: [DONE]\n\n")
