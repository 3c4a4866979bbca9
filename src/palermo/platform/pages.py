"""Page content computed from data, rendered once per data version.

A public list such as the participants' statuses is a pure function of its dataset (see
``platform.computed``), the query string, the language and the day: rebuilding its rows, counts
and table for every visitor was most of its cost. ``cached_render`` keeps the rendered HTML of
such content under the dataset's snapshot, so the next visitor with the same question gets it
from memory until a write changes the data.

What may be cached is what the public sees: the content is always rendered for an anonymous
visitor (whoever asked first), so no user's rights or name can reach the cache, and a page
that uses it must show every user the same content — ``tests/platform/test_pages.py`` checks
that for each page registered here, from the side of users of every role. The page around the
content (navigation, the signed-in user, the CSRF token, messages) is rendered per request as
usual.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .computed import Snapshot

#: ``name`` → an address that shows it, for the test that each shows every user the same.
CACHED_PAGES: dict[str, str] = {}


def register_cached_page(name: str, sample: str) -> str:
    """Declare content served through ``cached_render`` under ``name``, with an address that
    shows it (``sample``); returns ``name``."""
    CACHED_PAGES[name] = sample
    return name


def query_key(request) -> tuple[str, ...]:
    """The query string as a key: each ``name=value`` pair, sorted, so the order of the
    parameters in the address does not matter."""
    return tuple(
        sorted(f"{name}={value}" for name, values in request.GET.lists() for value in values)
    )


def public_request(request):
    """A copy of ``request`` that is an anonymous visitor's, for rendering shared content."""
    public = copy.copy(request)
    public.user = AnonymousUser()
    public.__dict__.pop("_palermo_context", None)  # the navigation computed for the real user
    return public


def cached_render(
    request,
    snapshot: Snapshot,
    name: str,
    template_name: str,
    context: Callable[[HttpRequest], dict],
    *,
    vary: tuple = (),
) -> SafeString:
    """``template_name`` rendered with ``context(public)`` for ``public``, an anonymous
    visitor's copy of ``request``, and kept under ``snapshot`` for this ``name``, path, query
    string, language, day and ``vary``. ``context`` is called only when the content is not
    already kept; it must read the request it is given, not the view's own. Kept per
    ``template_name`` too: a page and its htmx partial share the address."""
    if name not in CACHED_PAGES:
        raise ImproperlyConfigured(f"Register the cached page {name!r} (register_cached_page).")
    key = (
        "page",
        name,
        template_name,  # the whole content, or one partial of it for htmx
        request.path,
        get_language() or "",
        date.today(),
        *query_key(request),
        *vary,
    )

    def render():
        public = public_request(request)
        return mark_safe(render_to_string(template_name, context(public), request=public))

    return snapshot.get(key, render)


def cached_response(dataset, name: str):
    """For ``ninja.decorators.decorate_view``: a public GET operation's response kept under
    ``dataset``'s snapshot for its path, query string, language and day, like ``cached_render``.

    Callers with credentials in an ``Authorization`` header are answered as before, computed
    for them: their token is checked (and its use recorded) on every call. Everyone else — the
    public and signed-in sessions, who read the same public data — shares the response computed
    for an anonymous caller, headers included. Only a 200 is kept."""
    if name not in CACHED_PAGES:
        raise ImproperlyConfigured(f"Register the cached response {name!r} (register_cached_page).")

    def decorator(run):
        @wraps(run)
        def cached(request, *args, **kwargs):
            if request.method != "GET" or "authorization" in request.headers:
                return run(request, *args, **kwargs)
            snapshot = dataset.snapshot()
            key = (
                "api",
                name,
                request.path,
                get_language() or "",
                date.today(),
                *query_key(request),
            )
            fresh = []

            def compute():
                response = run(public_request(request), *args, **kwargs)
                fresh.append(response)
                if response.status_code != 200 or response.streaming:
                    return None
                return response.status_code, list(response.items()), response.content

            kept = snapshot.get(key, compute)
            if fresh:
                return fresh[0]
            if kept is None:  # an answer that is not kept: compute it for this caller
                return run(request, *args, **kwargs)
            status, headers, content = kept
            response = HttpResponse(content, status=status)
            for header, value in headers:
                response[header] = value
            return response

        return cached

    return decorator
