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
