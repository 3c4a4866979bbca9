"""The link chart and the network measures' pages."""

urlpatterns: list = []
