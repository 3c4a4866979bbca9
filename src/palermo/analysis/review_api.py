"""The review API: candidate pairs, decisions, merged entities."""

from ninja import Router

router = Router(tags=["analysis"])
