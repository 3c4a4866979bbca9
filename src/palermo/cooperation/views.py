"""The log of requests: list, detail, status changes, documents, sharing, statistics."""

urlpatterns: list = []
