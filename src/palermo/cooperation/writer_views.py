"""The writer: a guided form, one step per part of the request, each step saved as a draft."""

urlpatterns: list = []
