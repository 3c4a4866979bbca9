"""The catalogue's API: Library cases whose cooperation had the Convention as legal basis."""

from ninja import Router

router = Router(tags=["cooperation"])
