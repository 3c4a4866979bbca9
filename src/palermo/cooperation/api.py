"""The cooperation API: the caller's requests (the log) and the completeness check.

A request the caller may not see answers 404 like one that does not exist. Reads are logged."""

from ninja import Router

router = Router(tags=["cooperation"])


# The catalogue's operations live in their own module, under the same prefix
# (/api/cooperation); it declares its operations' access.
from . import catalogue_api  # noqa: E402

router.add_router("", catalogue_api.router)
