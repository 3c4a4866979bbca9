"""The link chart's API: the graph around a selection, expansions, saved charts."""

from ninja import Router

router = Router(tags=["analysis"])
