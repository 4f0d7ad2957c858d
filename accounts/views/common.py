"""Helpers shared by the accounts views."""

from rest_framework import serializers

from accounts.ratelimits import rate_limit

__all__ = ["rate_limit", "validated"]


def validated(serializer_class: type[serializers.Serializer], data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
