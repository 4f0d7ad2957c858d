"""The OpenAI wire format: request parsing/validation, rendering, and the real `openai` SDK reading it."""

from __future__ import annotations

import copy
import random

import httpx2
import openai
import orjson
import pytest

from guardflow_site.errors import GuardflowError
from proxy.formats import ParsedChatRequest
from proxy.formats.anthropic_format import AnthropicStreamRenderer, anthropic_request_parse
from proxy.formats.openai_format import OpenAIStreamRenderer, openai_completion_render, openai_request_parse
from proxy.providers.base import ChatResult, ContentPart, StreamChunk, ToolCall, ToolCallDelta, Usage

PNG = "data:image/png;base64,iVBORw0KGgo="


def chat_body(**fields) -> dict:
    body = {"model": "gpt-test", "messages": [{"role": "user", "content": "Hello"}]}
    body.update(fields)
    return body


def parse_error(body: object) -> GuardflowError:
    with pytest.raises(GuardflowError) as caught:
        openai_request_parse(body)
    assert caught.value.status_code == 400
    assert caught.value.code == "invalid_request"
    return caught.value


# --- parsing -----------------------------------------------------------------------------------


def test_minimal_request_is_normalised():
    parsed = openai_request_parse(chat_body())
    assert isinstance(parsed, ParsedChatRequest)
    assert parsed.model_name == "gpt-test"
    assert parsed.request.model == "gpt-test"
    assert parsed.request.messages[0].role == "user"
    assert parsed.request.messages[0].content == "Hello"
    assert (parsed.stream, parsed.include_usage, parsed.task_id) == (False, False, None)
    assert parsed.request.max_tokens is None and parsed.request.tools == []


def test_every_supported_field_is_carried():
    body = chat_body(
        stream=True,
        stream_options={"include_usage": True},
        temperature=1.5,
        top_p=0.5,
        max_tokens=100,
        stop=["END", "STOP"],
        seed=42,
        user="user-7",
        n=1,
        task_id=12,
        response_format={"type": "json_object"},
        tools=[
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Weather",
                    "parameters": {"type": "object", "properties": {}},
                },
            }
        ],
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
    )
    parsed = openai_request_parse(body)
    request = parsed.request
    assert (parsed.stream, parsed.include_usage, parsed.task_id) == (True, True, 12)
    assert request.stream is True
    assert (request.temperature, request.top_p, request.max_tokens) == (1.5, 0.5, 100)
    assert request.stop == ["END", "STOP"]
    assert (request.seed, request.user) == (42, "user-7")
    assert request.response_format == {"type": "json_object"}
    assert request.tools[0].name == "get_weather"
    assert request.tools[0].description == "Weather"
    assert request.tools[0].parameters == {"type": "object", "properties": {}}
    assert request.tool_choice == {"name": "get_weather"}


def test_all_message_roles_map_to_normalised_messages():
    messages = [
        {"role": "system", "content": "Be brief."},
        {
            "role": "developer",
            "content": [{"type": "text", "text": "Dev"}, {"type": "text", "text": "rules"}],
        },
        {
            "role": "user",
            "name": "ann",
            "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": PNG, "detail": "low"}},
                {"type": "image_url", "image_url": "https://example.com/cat.jpg"},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "look", "arguments": '{"x": 1}'}},
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "a cat"},
        {"role": "assistant", "content": [{"type": "text", "text": "A cat."}]},
    ]
    system, developer, user, call, tool, answer = openai_request_parse(
        chat_body(messages=messages)
    ).request.messages
    assert (system.role, system.content) == ("system", "Be brief.")
    assert (developer.role, developer.content) == ("system", "Dev\nrules")
    assert user.name == "ann"
    assert user.content == [
        ContentPart(type="text", text="What is this?"),
        ContentPart(type="image", image_url=PNG, detail="low"),
        ContentPart(type="image", image_url="https://example.com/cat.jpg"),
    ]
    assert call.content is None
    assert call.tool_calls == [ToolCall(id="call_1", name="look", arguments='{"x": 1}')]
    assert (tool.role, tool.tool_call_id, tool.content) == ("tool", "call_1", "a cat")
    assert answer.content == "A cat."


def test_include_usage_only_counts_when_streaming():
    parsed = openai_request_parse(chat_body(stream_options={"include_usage": True}))
    assert parsed.include_usage is False


def test_max_completion_tokens_wins_over_max_tokens():
    assert openai_request_parse(chat_body(max_completion_tokens=50, max_tokens=10)).request.max_tokens == 50
    assert openai_request_parse(chat_body(max_tokens=10)).request.max_tokens == 10


def test_stop_string_becomes_a_list():
    assert openai_request_parse(chat_body(stop="\n\n")).request.stop == ["\n\n"]


@pytest.mark.parametrize(("task_id", "expected"), [(5, 5), ("17", 17), (" 3 ", 3), (None, None)])
def test_task_id_accepts_int_or_numeric_string(task_id, expected):
    assert openai_request_parse(chat_body(task_id=task_id)).task_id == expected


@pytest.mark.parametrize(
    ("tool_choice", "expected"),
    [
        ("auto", "auto"),
        ("none", "none"),
        ("required", "required"),
        ({"type": "function", "function": {"name": "f"}}, {"name": "f"}),
    ],
)
def test_tool_choice_forms(tool_choice, expected):
    tools = [{"type": "function", "function": {"name": "f"}}]
    assert (
        openai_request_parse(chat_body(tools=tools, tool_choice=tool_choice)).request.tool_choice == expected
    )


def test_text_response_format_is_the_default_and_json_schema_passes_through():
    assert openai_request_parse(chat_body(response_format={"type": "text"})).request.response_format is None
    schema = {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}
    assert openai_request_parse(chat_body(response_format=schema)).request.response_format == schema


def test_harmless_extras_are_accepted_and_ignored():
    parsed = openai_request_parse(
        chat_body(
            presence_penalty=0.5,
            frequency_penalty=-1,
            logit_bias={"50256": -100},
            parallel_tool_calls=False,
            metadata={"k": "v"},
            store=False,
            service_tier="auto",
            logprobs=False,
            reasoning_effort="low",
            something_new={"a": [1]},
        )
    )
    assert parsed.request.messages[0].content == "Hello"


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"model": None}, "model"),
        ({"model": ""}, "model"),
        ({"model": 5}, "model"),
        ({"messages": None}, "messages"),
        ({"messages": []}, "messages"),
        ({"messages": "hi"}, "messages"),
        ({"messages": [5]}, "messages[0]"),
        (
            {
                "messages": [
                    {"role": "user", "content": "a"},
                    {"role": "user", "content": "b"},
                    {"role": "robot", "content": "c"},
                ]
            },
            "messages[2].role",
        ),
        ({"messages": [{"role": "function", "name": "f", "content": "x"}]}, "messages[0].role"),
        ({"messages": [{"role": "user"}]}, "messages[0].content"),
        ({"messages": [{"role": "user", "content": []}]}, "messages[0].content"),
        (
            {"messages": [{"role": "user", "content": [{"type": "input_audio"}]}]},
            "messages[0].content[0].type",
        ),
        (
            {"messages": [{"role": "user", "content": [{"type": "text", "text": 3}]}]},
            "messages[0].content[0].text",
        ),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [{"type": "image_url", "image_url": {"url": "file:///etc/passwd"}}],
                    }
                ]
            },
            "messages[0].content[0].image_url.url",
        ),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [{"type": "image_url", "image_url": {"url": PNG, "detail": "x"}}],
                    }
                ]
            },
            "messages[0].content[0].image_url.detail",
        ),
        (
            {"messages": [{"role": "system", "content": [{"type": "image_url"}]}]},
            "messages[0].content[0].type",
        ),
        ({"messages": [{"role": "assistant"}]}, "messages[0].content"),
        (
            {
                "messages": [
                    {
                        "role": "assistant",
                        "tool_calls": [
                            {"id": "c", "type": "function", "function": {"name": "f", "arguments": {}}}
                        ],
                    }
                ]
            },
            "messages[0].tool_calls[0].function.arguments",
        ),
        (
            {
                "messages": [
                    {"role": "assistant", "tool_calls": [{"type": "function", "function": {"name": "f"}}]}
                ]
            },
            "messages[0].tool_calls[0].id",
        ),
        ({"messages": [{"role": "tool", "content": "x"}]}, "messages[0].tool_call_id"),
        ({"messages": [{"role": "user", "content": "x", "name": 4}]}, "messages[0].name"),
        ({"stream": "yes"}, "stream"),
        ({"stream": True, "stream_options": []}, "stream_options"),
        ({"stream": True, "stream_options": {"include_usage": "yes"}}, "stream_options.include_usage"),
        ({"temperature": 2.5}, "temperature"),
        ({"temperature": -0.1}, "temperature"),
        ({"temperature": "1"}, "temperature"),
        ({"temperature": True}, "temperature"),
        ({"temperature": 10**400}, "temperature"),
        ({"top_p": 1.5}, "top_p"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"max_tokens": -5}, "max_tokens"),
        ({"max_tokens": 1.5}, "max_tokens"),
        ({"max_tokens": "100"}, "max_tokens"),
        ({"max_tokens": 10**30}, "max_tokens"),
        ({"max_completion_tokens": False}, "max_completion_tokens"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop"),
        ({"stop": [1]}, "stop[0]"),
        ({"stop": ""}, "stop"),
        ({"stop": {"a": 1}}, "stop"),
        ({"tools": {}}, "tools"),
        ({"tools": [{"type": "code_interpreter"}]}, "tools[0].type"),
        ({"tools": [{"type": "function"}]}, "tools[0].function"),
        ({"tools": [{"type": "function", "function": {"name": "bad name!"}}]}, "tools[0].function.name"),
        (
            {"tools": [{"type": "function", "function": {"name": "f", "parameters": []}}]},
            "tools[0].function.parameters",
        ),
        (
            {
                "tools": [
                    {"type": "function", "function": {"name": "f"}},
                    {"type": "function", "function": {"name": "f"}},
                ]
            },
            "tools[1].function.name",
        ),
        ({"tool_choice": "required"}, "tool_choice"),
        ({"tool_choice": "sometimes"}, "tool_choice"),
        (
            {
                "tools": [{"type": "function", "function": {"name": "f"}}],
                "tool_choice": {"type": "function", "function": {"name": "g"}},
            },
            "tool_choice.function.name",
        ),
        ({"tool_choice": {"type": "tool"}}, "tool_choice.type"),
        ({"response_format": {"type": "yaml"}}, "response_format.type"),
        ({"response_format": {"type": "json_schema"}}, "response_format.json_schema"),
        ({"response_format": "json"}, "response_format"),
        ({"seed": "1"}, "seed"),
        ({"seed": 2**64}, "seed"),
        ({"user": 5}, "user"),
        ({"n": 2}, "n"),
        ({"n": True}, "n"),
        ({"task_id": "abc"}, "task_id"),
        ({"task_id": 0}, "task_id"),
        ({"task_id": -3}, "task_id"),
        ({"task_id": 1.5}, "task_id"),
        ({"task_id": True}, "task_id"),
        ({"task_id": "99999999999999999999"}, "task_id"),
        ({"task_id": [1]}, "task_id"),
        ({"functions": [{"name": "f"}]}, "functions"),
        ({"function_call": "auto"}, "function_call"),
        ({"presence_penalty": 3}, "presence_penalty"),
        ({"logit_bias": [1]}, "logit_bias"),
        ({"parallel_tool_calls": "no"}, "parallel_tool_calls"),
    ],
)
def test_invalid_fields_are_400_naming_the_field(fields, param):
    error = parse_error(chat_body(**fields))
    assert error.param == param
    assert param in str(error.detail)


@pytest.mark.parametrize("body", [None, [], "x", 5, True, 1.5, [{"model": "m"}]])
def test_non_object_bodies_are_400(body):
    assert parse_error(body).param == "body"


def junk_value(rng: random.Random, depth: int = 0) -> object:
    choices = [
        None,
        True,
        False,
        0,
        -1,
        1,
        2**70,
        1.5,
        float("nan"),
        "",
        "x",
        "user",
        "function",
        "auto",
        "text",
        "image_url",
        "tool",
        "assistant",
        "system",
        "data:image/png;base64,AA",
        "http://h/i.png",
    ]
    if depth < 3 and rng.random() < 0.4:
        if rng.random() < 0.5:
            return [junk_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
        keys = [
            "type",
            "role",
            "content",
            "text",
            "image_url",
            "url",
            "function",
            "name",
            "arguments",
            "tool_calls",
            "id",
            "tool_call_id",
            "include_usage",
            "detail",
            "json_schema",
            "x",
        ]
        return {rng.choice(keys): junk_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    return rng.choice(choices)


def mutated_copies(rng: random.Random, body: object, count: int):
    """Copies of `body` with one randomly chosen value (at any depth) replaced by junk."""
    for _ in range(count):
        mutated = copy.deepcopy(body)
        node, path = mutated, []
        while isinstance(node, dict | list) and node and rng.random() < 0.7:
            key = rng.choice(list(node.keys()) if isinstance(node, dict) else range(len(node)))
            path.append((node, key))
            node = node[key]
        if path:
            parent, key = path[-1]
            parent[key] = junk_value(rng)
        yield mutated


RICH_OPENAI_BODY = chat_body(
    stream=True,
    stream_options={"include_usage": True},
    max_tokens=10,
    stop=["x"],
    task_id="3",
    tools=[{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
    tool_choice={"type": "function", "function": {"name": "f"}},
    response_format={"type": "json_object"},
    messages=[
        {"role": "system", "content": "s"},
        {
            "role": "user",
            "content": [{"type": "text", "text": "t"}, {"type": "image_url", "image_url": {"url": PNG}}],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
        },
        {"role": "tool", "tool_call_id": "c", "content": "r"},
    ],
)


def test_odd_bodies_never_crash_the_parser():
    rng = random.Random(4)
    odd = [
        None,
        [],
        "x",
        {},
        {"messages": 5},
        {"model": "m", "messages": [[]]},
        {"model": "m", "messages": [{}]},
        {"model": {"a": 1}, "messages": [{"role": "user", "content": {"type": "text"}}]},
        {"model": "m", "messages": [{"role": "user", "content": [[[]]]}]},
        {"model": "m", "messages": [None]},
    ]
    odd += [junk_value(rng) for _ in range(300)]
    odd += list(mutated_copies(rng, RICH_OPENAI_BODY, 1500))
    outcomes = {"ok": 0, "400": 0}
    for body in odd:
        try:
            openai_request_parse(body)
            outcomes["ok"] += 1
        except GuardflowError as error:
            assert error.status_code == 400 and error.param, body
            outcomes["400"] += 1
    assert outcomes["ok"] > 0 and outcomes["400"] > 0


# --- rendering ---------------------------------------------------------------------------------


USAGE = Usage(7, 3)
STREAM_USAGE = Usage(9, 5)


def render(result: ChatResult, usage: Usage = USAGE) -> dict:
    raw = openai_completion_render(
        result=result, model_name="gpt-test", completion_id="chatcmpl-1", created=1700000000, usage=usage
    )
    return orjson.loads(raw)


def test_completion_render_has_the_chat_completion_shape():
    body = render(ChatResult(id="up-1", model="upstream-name", content="Hi there", finish_reason="length"))
    assert body["id"] == "chatcmpl-1" and body["object"] == "chat.completion"
    assert body["created"] == 1700000000 and body["model"] == "gpt-test"
    assert body["system_fingerprint"] is None
    choice = body["choices"][0]
    assert choice["index"] == 0 and choice["logprobs"] is None and choice["finish_reason"] == "length"
    assert choice["message"]["role"] == "assistant" and choice["message"]["content"] == "Hi there"
    assert "tool_calls" not in choice["message"]
    assert body["usage"] == {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10}


def test_completion_render_tool_calls():
    result = ChatResult(
        id="u",
        model="m",
        content="",
        finish_reason="tool_calls",
        tool_calls=[
            ToolCall(id="call_9", name="f", arguments='{"a":1}'),
            ToolCall(id="", name="g", arguments="{}"),
        ],
    )
    message = render(result)["choices"][0]["message"]
    assert message["content"] is None
    assert message["tool_calls"][0] == {
        "id": "call_9",
        "type": "function",
        "function": {"name": "f", "arguments": '{"a":1}'},
    }
    assert message["tool_calls"][1]["id"].startswith("call_")  # an upstream without ids still gets one


@pytest.mark.parametrize(
    ("reason", "tools", "expected"),
    [
        ("stop", False, "stop"),
        ("error", False, "stop"),
        ("content_filter", False, "content_filter"),
        ("stop", True, "tool_calls"),
        ("length", True, "length"),
    ],
)
def test_finish_reason_mapping(reason, tools, expected):
    calls = [ToolCall(id="c", name="f", arguments="{}")] if tools else []
    body = render(ChatResult(id="u", model="m", content="x", tool_calls=calls, finish_reason=reason))
    assert body["choices"][0]["finish_reason"] == expected


def sse_events(raw: bytes) -> list[str]:
    assert raw.endswith(b"\n\n")
    return [event.decode() for event in raw.split(b"\n\n") if event]


def test_stream_renderer_events():
    renderer = OpenAIStreamRenderer("gpt-test", "chatcmpl-2", 1700000000, include_usage=True)
    raw = renderer.start() + renderer.chunk(StreamChunk(text="Hel")) + renderer.chunk(StreamChunk(text="lo"))
    raw += renderer.chunk(StreamChunk(finish_reason="stop")) + renderer.chunk(StreamChunk(usage=Usage(5, 2)))
    raw += renderer.finish(Usage(5, 2))
    events = sse_events(raw)
    assert events[-1] == "data: [DONE]"
    chunks = [orjson.loads(event.removeprefix("data: ")) for event in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" and c["id"] == "chatcmpl-2" for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert [c["choices"][0]["delta"].get("content") for c in chunks[1:3]] == ["Hel", "lo"]
    assert chunks[3]["choices"][0] == {"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}
    assert chunks[4]["choices"] == [] and chunks[4]["usage"]["total_tokens"] == 7
    assert all(c["usage"] is None for c in chunks[:4])
    assert len(chunks) == 5  # the usage-only upstream chunk rendered nothing


def test_stream_renderer_without_usage_and_without_upstream_finish():
    renderer = OpenAIStreamRenderer("m", "chatcmpl-3", 1, include_usage=False)
    events = sse_events(
        renderer.start() + renderer.chunk(StreamChunk(text="x")) + renderer.finish(Usage(1, 1))
    )
    chunks = [orjson.loads(event.removeprefix("data: ")) for event in events[:-1]]
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert all("usage" not in c for c in chunks)


def test_stream_tool_deltas_get_dense_indexes_and_ids_once():
    renderer = OpenAIStreamRenderer("m", "c", 1, include_usage=False)
    raw = renderer.chunk(
        StreamChunk(tool_calls=(ToolCallDelta(index=3, id="call_a", name="f", arguments=""),))
    )
    raw += renderer.chunk(StreamChunk(tool_calls=(ToolCallDelta(index=3, id="call_a", arguments='{"a"'),)))
    chunks = [orjson.loads(e.removeprefix("data: ")) for e in sse_events(raw)]
    first, second = (c["choices"][0]["delta"]["tool_calls"][0] for c in chunks)
    assert first == {
        "index": 0,
        "id": "call_a",
        "type": "function",
        "function": {"name": "f", "arguments": ""},
    }
    assert second == {"index": 0, "function": {"arguments": '{"a"'}}


def test_stream_error_event_has_the_error_shape():
    renderer = OpenAIStreamRenderer("m", "c", 1, include_usage=False)
    event = orjson.loads(
        sse_events(renderer.error(502, "upstream_error", "Upstream failed."))[0].removeprefix("data: ")
    )
    assert event == {
        "error": {
            "type": "server_error",
            "code": "upstream_error",
            "message": "Upstream failed.",
            "param": None,
        }
    }


def test_render_survives_strings_orjson_refuses():
    body = render(ChatResult(id="u", model="m", content="bad \ud800 surrogate"))
    assert body["choices"][0]["message"]["content"].startswith("bad ")


# --- the real openai SDK reads what we render ----------------------------------------------------


def sdk_client(body: bytes, *, stream: bool = False, status: int = 200) -> tuple[openai.OpenAI, list]:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        content_type = "text/event-stream" if stream else "application/json"
        return httpx2.Response(status, content=body, headers={"content-type": content_type})

    client = openai.OpenAI(
        api_key="gf_test",
        base_url="http://gateway.test/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    return client, seen


def test_sdk_parses_a_completion_with_tool_calls():
    result = ChatResult(
        id="u",
        model="m",
        content="Let me check.",
        finish_reason="tool_calls",
        tool_calls=[ToolCall(id="call_1", name="get_weather", arguments='{"city":"Oslo"}')],
    )
    raw = openai_completion_render(
        result=result,
        model_name="gpt-test",
        completion_id="chatcmpl-9",
        created=1700000000,
        usage=Usage(11, 4),
    )
    client, seen = sdk_client(raw)
    completion = client.chat.completions.create(
        model="gpt-test", messages=[{"role": "user", "content": "Oslo?"}]
    )
    assert seen[0].url.path == "/v1/chat/completions"
    assert completion.id == "chatcmpl-9" and completion.model == "gpt-test"
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content == "Let me check."
    assert choice.message.tool_calls[0].function.name == "get_weather"
    assert choice.message.tool_calls[0].function.arguments == '{"city":"Oslo"}'
    assert (
        completion.usage.prompt_tokens,
        completion.usage.completion_tokens,
        completion.usage.total_tokens,
    ) == (11, 4, 15)


def stream_bytes(chunks: list[StreamChunk], *, include_usage: bool, usage: Usage = STREAM_USAGE) -> bytes:
    renderer = OpenAIStreamRenderer("gpt-test", "chatcmpl-s", 1700000000, include_usage=include_usage)
    return renderer.start() + b"".join(renderer.chunk(c) for c in chunks) + renderer.finish(usage)


TEXT_CHUNKS = [StreamChunk(text="Hello"), StreamChunk(text=", world"), StreamChunk(finish_reason="stop")]


def test_sdk_stream_with_include_usage():
    client, seen = sdk_client(stream_bytes(TEXT_CHUNKS, include_usage=True), stream=True)
    chunks = list(
        client.chat.completions.create(
            model="gpt-test",
            messages=[{"role": "user", "content": "hi"}],
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    assert orjson.loads(seen[0].content)["stream"] is True
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hello, world"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens == 14
    assert chunks[-1].usage.prompt_tokens == 9


def test_sdk_stream_without_usage():
    client, _ = sdk_client(stream_bytes(TEXT_CHUNKS, include_usage=False), stream=True)
    chunks = list(
        client.chat.completions.create(
            model="gpt-test", messages=[{"role": "user", "content": "hi"}], stream=True
        )
    )
    assert all(c.usage is None for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "Hello, world"


TOOL_CHUNKS = [
    StreamChunk(text="Checking. "),
    StreamChunk(tool_calls=(ToolCallDelta(index=0, id="call_a", name="get_weather", arguments=""),)),
    StreamChunk(tool_calls=(ToolCallDelta(index=0, arguments='{"city":'),)),
    StreamChunk(
        tool_calls=(
            ToolCallDelta(index=0, arguments='"Oslo"}'),
            ToolCallDelta(index=1, id="call_b", name="get_time", arguments="{}"),
        )
    ),
    StreamChunk(finish_reason="tool_calls", usage=Usage(9, 5)),
]


def test_sdk_stream_helper_accumulates_tool_calls():
    client, _ = sdk_client(stream_bytes(TOOL_CHUNKS, include_usage=True), stream=True)
    with client.chat.completions.stream(
        model="gpt-test", messages=[{"role": "user", "content": "hi"}], stream_options={"include_usage": True}
    ) as stream:
        final = stream.get_final_completion()
    message = final.choices[0].message
    assert message.content == "Checking. "
    assert [(c.id, c.function.name, c.function.arguments) for c in message.tool_calls] == [
        ("call_a", "get_weather", '{"city":"Oslo"}'),
        ("call_b", "get_time", "{}"),
    ]
    assert final.choices[0].finish_reason == "tool_calls"
    assert final.usage.completion_tokens == 5


def test_sdk_raises_on_an_error_event_mid_stream():
    renderer = OpenAIStreamRenderer("gpt-test", "c", 1, include_usage=False)
    raw = (
        renderer.start()
        + renderer.chunk(StreamChunk(text="par"))
        + renderer.error(502, "upstream_error", "Boom.")
    )
    client, _ = sdk_client(raw, stream=True)
    stream = client.chat.completions.create(
        model="gpt-test", messages=[{"role": "user", "content": "x"}], stream=True
    )
    received = []
    with pytest.raises(openai.APIError, match=r"Boom\."):
        for chunk in stream:
            received.append(chunk.choices[0].delta.content)
    assert received == ["", "par"]


# --- cross-format: an Anthropic client's request, answered in the OpenAI shape and back ---------


def test_anthropic_request_renders_as_openai_and_openai_stream_as_anthropic():
    anthropic_body = {
        "model": "claude-test",
        "max_tokens": 64,
        "system": "Be brief.",
        "tools": [{"name": "look", "input_schema": {"type": "object"}}],
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is it?"},
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="},
                    },
                ],
            },
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "toolu_1", "name": "look", "input": {"zoom": 2}}],
            },
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "a cat"}],
            },
        ],
    }
    request = anthropic_request_parse(anthropic_body).request
    openai_shape = openai_request_parse(
        {
            "model": "claude-test",
            "max_tokens": 64,
            "tools": [{"type": "function", "function": {"name": "look", "parameters": {"type": "object"}}}],
            "messages": [
                {"role": "system", "content": "Be brief."},
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "What is it?"},
                        {"type": "image_url", "image_url": {"url": PNG}},
                    ],
                },
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "toolu_1",
                            "type": "function",
                            "function": {"name": "look", "arguments": '{"zoom":2}'},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "toolu_1", "content": "a cat"},
            ],
        }
    ).request
    assert request.messages == openai_shape.messages
    assert request.tools == openai_shape.tools
    # An Anthropic-served answer with a tool call goes out to an OpenAI client...
    result = ChatResult(
        id="msg_1",
        model="claude-x",
        content="",
        finish_reason="tool_calls",
        tool_calls=[ToolCall(id="toolu_2", name="look", arguments='{"zoom":3}')],
    )
    client, _ = sdk_client(
        openai_completion_render(
            result=result, model_name="claude-test", completion_id="c", created=1, usage=Usage(3, 2)
        )
    )
    completion = client.chat.completions.create(
        model="claude-test", messages=[{"role": "user", "content": "x"}]
    )
    assert completion.choices[0].message.tool_calls[0].id == "toolu_2"
    # ...and an OpenAI-style stream renders as Anthropic events.
    renderer = AnthropicStreamRenderer("gpt-test", "msg_2", 3)
    raw = renderer.start() + b"".join(renderer.chunk(c) for c in TOOL_CHUNKS) + renderer.finish(Usage(9, 5))
    assert (
        b"event: content_block_start" in raw and b'"tool_use"' in raw and b'"stop_reason":"tool_use"' in raw
    )
