"""Native API routes for follows."""

from __future__ import annotations

from ninja import Router

from kith.api import auth

router = Router(tags=["follows"], auth=auth.required)
