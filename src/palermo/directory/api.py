"""The Directory's API."""

from ninja import Router

router = Router(tags=["directory"])
