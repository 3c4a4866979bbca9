"""The Library's API."""

from ninja import Router

router = Router(tags=["library"])
