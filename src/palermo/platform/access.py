"""Who may open each route: declared by each module next to its routes, tested for every role.

Every page route (``urls.py``) and API operation (``api.py``) declares an ``Access``: which
kinds of user get it, with sample arguments. ``tests/test_permission_matrix.py`` walks every
route of the site and every API path, signs in as each kind of user and checks the outcome; a
route without a declaration fails that test, so a new page cannot ship unreviewed.

The kinds of user: ``anonymous``; the demo roles bound to the sample's State (Argentina):
``focal-point``, ``expert``, ``practitioner``; the same roles for another State
(``focal-point@other``, …, Brazil); and the roles without a State: ``observer``, ``analyst``,
``secretariat``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ANONYMOUS = "anonymous"
STATE_ROLES = ("focal-point", "expert", "practitioner")
OTHER_STATE_ROLES = tuple(f"{role}@other" for role in STATE_ROLES)
ROLES = (
    ANONYMOUS,
    "secretariat",
    *STATE_ROLES,
    *OTHER_STATE_ROLES,
    "observer",
    "analyst",
)
SIGNED_IN_ROLES = frozenset(ROLES) - {ANONYMOUS}


@dataclass(frozen=True)
class Access:
    """The expected outcome of one route for each kind of user.

    ``allow``: the kinds that get it (2xx, or a redirect that is not to the sign-in page);
    everyone else is refused: anonymous visitors are sent to sign in (pages) or get 401 (API),
    others get 403, or 404 where ``hidden`` (a record they may not know exists).
    ``sample``: a callable giving the route's arguments (creating a sample record if needed),
    called inside the test's transaction; ``data`` is the body of a POST.
    """

    allow: frozenset
    sample: Callable | None = None
    method: str = "GET"
    data: Callable | dict | None = None
    hidden: bool = False
    query: dict = field(default_factory=dict)
    #: Send ``data`` as a multipart form (an upload) rather than JSON (API) or a form (pages).
    multipart: bool = False

    def arguments(self) -> dict:
        return self.sample() if self.sample else {}

    def body(self):
        return self.data() if callable(self.data) else self.data


def allow(*kinds: str, **options) -> Access:
    return Access(allow=frozenset(kinds), **options)


PUBLIC = Access(allow=frozenset(ROLES))
SIGNED_IN = Access(allow=SIGNED_IN_ROLES)
SECRETARIAT = Access(allow=frozenset({"secretariat"}))
NOBODY = Access(allow=frozenset())

#: ``"namespace:name"`` → Access, for page routes.
ROUTES: dict[str, Access] = {}
#: ``"METHOD /api/path"`` → Access, for API operations.
API: dict[str, Access] = {}


def declare_routes(namespace: str, declarations: dict[str, Access]) -> None:
    for name, access in declarations.items():
        ROUTES[f"{namespace}:{name}" if namespace else name] = access


def declare_api(prefix: str, declarations: dict[str, Access]) -> None:
    """``prefix`` is the router's mount point (``/api/treaties``); keys are ``"GET /path"``."""
    for key, access in declarations.items():
        method, path = key.split(" ", 1)
        API[f"{method} {prefix.rstrip('/')}{path}"] = access
