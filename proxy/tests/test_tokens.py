"""The input-token bound quotas reserve, against the typical estimate."""

from proxy.providers.base import ChatRequest, ContentPart, Message, ToolSpec
from proxy.tokens import estimate_input_tokens, input_token_bound


def _request(*messages: Message, **fields) -> ChatRequest:
    return ChatRequest(model="m", messages=list(messages), **fields)


def test_the_bound_covers_a_token_per_byte_where_the_estimate_does_not():
    for text in (" ".join(["a"] * 200), "漢字" * 100, "🙂" * 50):
        request = _request(Message(role="user", content=text))
        assert input_token_bound(request) >= len(text.encode()) > estimate_input_tokens(request)


def test_schemas_tools_and_images_raise_the_bound(settings):
    plain = _request(Message(role="user", content="hi"))
    schema = {"type": "json_schema", "json_schema": {"name": "answer", "description": "y" * 500}}
    with_format = _request(Message(role="user", content="hi"), response_format=schema)
    assert input_token_bound(with_format) >= input_token_bound(plain) + 500
    tool = ToolSpec(name="lookup", description="d" * 300, parameters={"type": "object"})
    assert input_token_bound(_request(Message(role="user", content="hi"), tools=[tool])) >= (
        input_token_bound(plain) + 300
    )
    image = Message(role="user", content=[ContentPart(type="image", image_url="https://example.org/a.png")])
    settings.GATEWAY_RESERVE_TOKENS_PER_IMAGE = 48_200
    assert input_token_bound(_request(image)) >= 48_200
    settings.GATEWAY_RESERVE_TOKENS_PER_IMAGE = 1_600  # an operator whose vision models cost less
    assert 1_600 <= input_token_bound(_request(image)) < 2_000
