"""Any OpenAI-compatible server (vLLM, Ollama, llama.cpp server, LM Studio...) via `openai.AsyncOpenAI`.

These servers often need no key; the SDK insists on one, so a placeholder is sent. They take the
classic `max_tokens`. Options: `max_tokens_param`, and `stream_usage: false` for servers that
reject `stream_options`.
"""

from __future__ import annotations

import openai

from proxy.providers import _errors
from proxy.providers._clients import extra_headers
from proxy.providers._lean_transport import sdk_http_client
from proxy.providers._openai_chat import OpenAIChatProvider
from proxy.providers.base import DeploymentTarget

PLACEHOLDER_KEY = "not-needed"  # not a secret: sent to servers that ignore keys


class OpenAICompatibleProvider(OpenAIChatProvider):
    name = "openai_compatible"
    max_tokens_param = "max_tokens"

    def fast_endpoint(self, target: DeploymentTarget) -> tuple[str, dict[str, str]]:
        if not target.base_url:
            raise _errors.misconfigured_error()
        url = f"{target.base_url.rstrip('/')}/chat/completions"
        return url, {"Authorization": f"Bearer {target.api_key or PLACEHOLDER_KEY}"}

    def make_client(self, target: DeploymentTarget) -> openai.AsyncOpenAI:
        if not target.base_url:
            # Without one the SDK would fall back to an environment variable or api.openai.com.
            raise ValueError("this provider needs the deployment's base_url")
        return openai.AsyncOpenAI(
            api_key=target.api_key or PLACEHOLDER_KEY,
            base_url=target.base_url,
            timeout=target.timeout_seconds,
            max_retries=0,
            default_headers=extra_headers(target),
            http_client=sdk_http_client(openai.DefaultAsyncHttpxClient),
        )


PROVIDER = OpenAICompatibleProvider()
