"""Native API routes for invitations."""

from __future__ import annotations

from ninja import Router

from kith.api import auth

router = Router(tags=["invitations"], auth=auth.required)
