"""Test and benchmark helpers for the gateway (fake upstream servers). Not imported by production code."""
