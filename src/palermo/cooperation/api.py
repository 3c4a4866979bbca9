"""The cooperation API: the caller's requests (the log) and the completeness check.

A request the caller may not see answers 404 like one that does not exist. Reads are logged."""

from ninja import Router

router = Router(tags=["cooperation"])
