"""The review of candidate pairs: evidence for and against, accept, reject, withdraw."""

urlpatterns: list = []
