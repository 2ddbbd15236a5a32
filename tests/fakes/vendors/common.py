"""What the fake vendor routes share: instants and opaque page tokens."""

from __future__ import annotations

import base64
import json
from datetime import datetime

from pilotage.samples import defaults


def instant(text: str | None) -> datetime | None:
    """UTC instant of an ISO string (``Z`` or offset), None when empty."""
    return defaults.parse_utc(text) if text else None


def token(payload: dict) -> str:
    """An opaque page token carrying ``payload`` (as vendors' cursors do)."""
    return base64.urlsafe_b64encode(json.dumps(payload, sort_keys=True).encode()).decode()


def untoken(text: str | None) -> dict:
    """The payload of a token; ``{"bad": True}`` when it is not one of ours."""
    if not text:
        return {}
    try:
        return json.loads(base64.urlsafe_b64decode(text.encode()))
    except ValueError:
        return {"bad": True}
