"""Bad input sent to the gateway still leaves a usage record the database can store.

Found by fuzzing against PostgreSQL: a model name (or, with content storage on, a prompt) holding
a NUL byte made the record's insert fail ("cannot contain NUL"), so it went to the spool file and
`usage_replay` failed on it again every time. The client's answer was right; the record was not."""

import json

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient

from usage.models import UsageRecord
from usage.services import usage_flush

pytestmark = pytest.mark.django_db(transaction=True)


async def _chat(token: str, data: dict):
    return await AsyncClient().post(
        "/v1/chat/completions",
        json.dumps(data),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@sync_to_async
def _records() -> list[UsageRecord]:
    usage_flush()
    return list(UsageRecord.objects.order_by("id"))


def _assert_error_shape(response, status: int) -> None:
    assert response.status_code == status, response.content
    assert set(response.json()["error"]) >= {"type", "code", "message"}


@pytest.fixture
def token(member, api_token_factory, mock_model) -> str:
    return api_token_factory(member)[0]


async def test_nul_in_model_name_is_a_clear_404_and_a_storable_record(token):
    response = await _chat(token, {"model": "mo\x00ck", "messages": [{"role": "user", "content": "hi"}]})
    _assert_error_shape(response, 404)
    [record] = await _records()
    assert record.status == UsageRecord.Status.INVALID_REQUEST
    assert record.model_name == "mo\ufffdck"  # visibly not "mock", and no NUL for PostgreSQL


async def test_nul_in_stored_prompt_is_storable(token, settings):
    settings.USAGE_STORE_CONTENT = True
    response = await _chat(token, {"model": "mock", "messages": [{"role": "user", "content": "hi\x00there"}]})
    assert response.status_code == 200, response.content
    [record] = await _records()
    assert record.status == UsageRecord.Status.SUCCESS
    assert "\x00" not in record.prompt_content and "hi\ufffdthere" in record.prompt_content


@pytest.mark.integration
async def test_postgres_keeps_the_record_of_a_nul_model_name(token, tmp_path, settings):
    settings.USAGE_SPOOL_DIR = str(tmp_path)
    response = await _chat(token, {"model": "\x00", "messages": [{"role": "user", "content": "hi"}]})
    _assert_error_shape(response, 404)
    assert [r.model_name for r in await _records()] == ["\ufffd"]
    assert not list(tmp_path.iterdir())  # nothing spooled
