"""Provider registry: `get_provider("openai")` → the transport for that vendor.

Vendor modules are imported lazily, so a process that only ever uses the mock (the embedded
default, most tests) never pays for importing the vendor SDKs (1-4 s each on first use; call
`get_provider(name)` at startup for the configured providers to take that off the first request).

Deployment `options` understood by the providers (all optional):

- `headers` (all but mock): extra static HTTP headers sent upstream.
- `transport: "fast"` (openai, azure, openai_compatible): a lean pooled HTTP/1.1 client instead of
  the SDK, ~10x less CPU per call (see `_fast_http`); it ignores proxy env vars and redirects.
- `max_tokens_param` (openai, azure, openai_compatible): `max_tokens` or `max_completion_tokens`
  (defaults: openai → max_completion_tokens, azure and openai_compatible → max_tokens).
- `stream_usage: false` (openai, azure, openai_compatible): do not ask for usage on streams, for
  servers that reject `stream_options`.
- `default_max_tokens` (anthropic): max_tokens when the request has none (default 4096).
- `sampling_params: true` (anthropic): forward temperature / top_p (dropped by default: the
  current Messages API has no sampling parameters).
- `token_delay_ms`, `fail`, `fail_after_chunks`, `input_tokens` (mock): see `proxy.providers.mock`.
"""

from __future__ import annotations

import importlib

from proxy.providers.base import Provider

# Deployment.Provider value → module under proxy.providers defining `PROVIDER` (an instance).
_MODULES: dict[str, str] = {
    "openai": "openai",
    "azure": "azure",
    "openai_compatible": "openai_compatible",
    "anthropic": "anthropic",
    "gemini": "gemini",
    "mock": "mock",
}
PROVIDER_NAMES: tuple[str, ...] = tuple(_MODULES)

_instances: dict[str, Provider] = {}


def get_provider(name: str) -> Provider:
    """The (shared, stateless apart from its client cache) provider for `name`; ValueError if unknown."""
    provider = _instances.get(name)
    if provider is None:
        if name not in _MODULES:
            raise ValueError(f"Unknown provider {name!r}; expected one of {', '.join(PROVIDER_NAMES)}.")
        module = importlib.import_module(f"proxy.providers.{_MODULES[name]}")
        provider = _instances[name] = module.PROVIDER
    return provider
