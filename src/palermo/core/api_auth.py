"""API authentication: a token for scripts, the session for the site's own pages, or nobody.

Endpoints read ``request.auth`` as the acting user; permission checks then go through the same
``has_perm`` rules as the pages. The callbacks are tried in order:

- ``Authorization: Bearer <token>``: a token that is unknown, revoked, expired or not a bearer
  token is refused with 401 and the reason, even on a public read: a script with a broken token
  must learn it at once, not get the public view in silence.
- the session cookie of a signed-in person: changes must carry the CSRF token (403 otherwise),
  since a browser sends the cookie with any site's request. Without a signed-in session there is
  nothing to forge, so no CSRF check: a write without credentials is a 401.
- nobody (``READ`` only): public data for anonymous callers.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils import formats, timezone
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from palermo.platform.api import CsrfFailed, Unauthenticated

from .models import ApiToken

NEW_TOKEN = "create a new one on your account page (/account/)"


class TokenAuth(HttpBearer):
    openapi_description = "Authorization: Bearer <token> (create one on your account page)"

    def __call__(self, request):
        header = request.headers.get(self.header)
        if not header:
            return None
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != self.openapi_scheme or not token.strip():
            raise Unauthenticated(
                "The Authorization header must read 'Bearer <token>'; "
                f"{NEW_TOKEN} if you have none.",
                invalid_token=True,
            )
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        record = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash(token), user__is_active=True)
            .first()
        )
        if record is None:
            raise Unauthenticated(
                f"This API token is unknown or has been revoked: {NEW_TOKEN}, or send no "
                "Authorization header to read public data.",
                invalid_token=True,
            )
        if record.is_expired:
            expired = formats.date_format(timezone.localtime(record.expires), "Y-m-d H:i e")
            raise Unauthenticated(
                f"This API token expired on {expired}: {NEW_TOKEN}.", invalid_token=True
            )
        ApiToken.objects.filter(pk=record.pk).update(last_used=timezone.now())
        request.user = record.user
        return record.user


class SessionAuth(NinjaSessionAuth):
    """The signed-in person's session; a change (POST, PUT, DELETE…) needs the CSRF token."""

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        return user


class Anonymous:
    """Lets a caller without credentials through as ``AnonymousUser`` (public reads); the
    OpenAPI document shows it as an empty security requirement (credentials optional)."""

    allows_anonymous = True

    def __call__(self, request):
        return AnonymousUser()


token_auth = TokenAuth()
session_auth = SessionAuth()
anonymous = Anonymous()
READ = [token_auth, session_auth, anonymous]
WRITE = [token_auth, session_auth]


def reader(request):
    """Who reads the OpenAPI document: a token's user, the signed-in person, or nobody."""
    user = token_auth(request)
    if user:
        return user
    return request.user if request.user.is_authenticated else AnonymousUser()
