"""Fixtures for provider tests: one fake upstream (all vendor dialects) per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from proxy.testing.fake_upstreams import FakeUpstream


@pytest.fixture(scope="session")
def fake_upstream_server() -> Iterator[FakeUpstream]:
    with FakeUpstream() as server:
        yield server


@pytest.fixture
def fake_upstream(fake_upstream_server: FakeUpstream) -> FakeUpstream:
    """The shared fake upstream with its request log emptied for this test."""
    fake_upstream_server.requests.clear()
    return fake_upstream_server
