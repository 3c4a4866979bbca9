"""The catalogue of cases in which the Convention served as legal basis for cooperation."""

urlpatterns: list = []
