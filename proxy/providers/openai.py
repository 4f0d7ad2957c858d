"""OpenAI (api.openai.com, or an operator-set base_url) via `openai.AsyncOpenAI`."""

from __future__ import annotations

import openai

from proxy.providers._clients import extra_headers
from proxy.providers._lean_transport import sdk_http_client
from proxy.providers._openai_chat import OpenAIChatProvider
from proxy.providers.base import DeploymentTarget


class OpenAIProvider(OpenAIChatProvider):
    name = "openai"
    # Newer OpenAI models reject `max_tokens`; `max_completion_tokens` works for all of them.
    max_tokens_param = "max_completion_tokens"

    def make_client(self, target: DeploymentTarget) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(
            api_key=target.api_key,
            base_url=target.base_url or None,
            timeout=target.timeout_seconds,
            max_retries=0,  # the gateway decides on retries and fallbacks
            default_headers=extra_headers(target),
            http_client=sdk_http_client(openai.DefaultAsyncHttpxClient),
        )


PROVIDER = OpenAIProvider()
