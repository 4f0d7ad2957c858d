import pytest

from proxy.guard.config import guard_config_clear
from proxy.guard.pipeline import guard_detectors_set


@pytest.fixture(autouse=True)
def _fresh_guard_state():
    """Each test sees the seeded policies and no leftover in-memory config or extra detectors."""
    guard_config_clear()
    guard_detectors_set([])
    yield
    guard_config_clear()
    guard_detectors_set([])


@pytest.fixture
def operator_client(api_client, operator):
    from accounts.services import auth_tokens_issue

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {auth_tokens_issue(user=operator)['access_token']}")
    return api_client


@pytest.fixture
def member_client(api_client, member):
    from accounts.services import auth_tokens_issue

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {auth_tokens_issue(user=member)['access_token']}")
    return api_client
