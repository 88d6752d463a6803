"""Native API routes for contacts."""

from __future__ import annotations

from ninja import Router

from kith.api import auth

router = Router(tags=["contacts"], auth=auth.required)
