"""The product's URLconf plus a hello-world view: the yardstick of bench/load_bench.py, served
by the same server, through the same middleware, in the same run as the pages measured."""

from django.http import HttpResponse
from django.urls import path

from palermo.urls import urlpatterns as palermo_urlpatterns


def hello(request):
    return HttpResponse(b"Hello, world\n", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), *palermo_urlpatterns]
