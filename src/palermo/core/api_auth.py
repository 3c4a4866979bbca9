"""API authentication: a token for scripts, the session for the site's own pages, or nobody.

Endpoints read ``request.auth`` as the acting user; permission checks then go through the same
``has_perm`` rules as the pages. Session requests that change data must carry the CSRF token
(django-ninja's ``django_auth`` checks it); token requests need none.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from .models import ApiToken


class TokenAuth(HttpBearer):
    openapi_description = "Authorization: Bearer <token> (create one on your account page)"

    def authenticate(self, request, token):
        record = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash(token), user__is_active=True)
            .first()
        )
        if record is None or record.is_expired:
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used=timezone.now())
        request.user = record.user
        return record.user


def anonymous(request):
    return AnonymousUser()


token_auth = TokenAuth()
READ = [token_auth, django_auth, anonymous]
WRITE = [token_auth, django_auth]
