"""Azure OpenAI via `openai.AsyncAzureOpenAI`: base_url is the resource endpoint, the upstream
model is the deployment name, and api_version is required by Azure."""

from __future__ import annotations

from urllib.parse import quote

import openai

from proxy.providers import _errors
from proxy.providers._clients import extra_headers
from proxy.providers._lean_transport import sdk_http_client
from proxy.providers._openai_chat import OpenAIChatProvider
from proxy.providers.base import DeploymentTarget

DEFAULT_API_VERSION = "2024-10-21"  # the current GA data-plane version


class AzureOpenAIProvider(OpenAIChatProvider):
    name = "azure"
    max_tokens_param = "max_tokens"  # older Azure api-versions know only this one

    def fast_endpoint(self, target: DeploymentTarget) -> tuple[str, dict[str, str]]:
        if not target.base_url:
            raise _errors.misconfigured_error()
        version = quote(target.api_version or DEFAULT_API_VERSION, safe="")
        deployment = quote(target.upstream_model, safe="")
        base = target.base_url.rstrip("/")
        return f"{base}/openai/deployments/{deployment}/chat/completions?api-version={version}", {
            "api-key": target.api_key
        }

    def make_client(self, target: DeploymentTarget) -> openai.AsyncAzureOpenAI:
        if not target.base_url:
            # Without one the SDK would fall back to an environment variable or api.openai.com.
            raise ValueError("this provider needs the deployment's base_url")
        # No azure_deployment here: the SDK then puts /deployments/{model} in each request's URL,
        # so one client (one pool) serves every deployment on the same resource.
        return openai.AsyncAzureOpenAI(
            api_key=target.api_key,
            azure_endpoint=target.base_url,
            api_version=target.api_version or DEFAULT_API_VERSION,
            timeout=target.timeout_seconds,
            max_retries=0,
            default_headers=extra_headers(target),
            http_client=sdk_http_client(openai.DefaultAsyncHttpxClient),
        )


PROVIDER = AzureOpenAIProvider()
