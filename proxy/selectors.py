"""Read side of the gateway: what a caller may see."""

from proxy.registry import ModelEntry, aregistry_snapshot


async def models_for_principal(principal) -> list[ModelEntry]:
    """Enabled models with at least one deployment, narrowed by the token's allowed models."""
    snapshot = await aregistry_snapshot()
    allowed = principal.allowed_models
    return [
        model
        for name, model in sorted(snapshot.models.items())
        if model.deployments and (allowed is None or name in allowed)
    ]
