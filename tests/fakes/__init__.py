"""Test doubles used by several test modules (import them as ``fakes.<module>``)."""
