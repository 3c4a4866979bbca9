"""The network measures' page: run a measure on the workspace or a selection, read the table."""

urlpatterns: list = []
