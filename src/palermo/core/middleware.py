from django.utils.cache import patch_vary_headers


class VaryOnHtmxMiddleware:
    """Pages answer an htmx request with a fragment and a normal one with the whole page, at the
    same URL; ``Vary: HX-Request`` stops the browser's back button from showing a cached
    fragment as if it were the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ["HX-Request"])
        return response


class PreferredLanguageMiddleware:
    """A signed-in person who has not picked a language in this browser (no language cookie)
    reads the pages in their preferred language. Runs after authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        user = getattr(request, "user", None)
        preferred = getattr(user, "language", "") if user and user.is_authenticated else ""
        if preferred and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(preferred)
            request.LANGUAGE_CODE = preferred
        return self.get_response(request)
