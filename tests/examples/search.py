from palermo.platform.search import register_search

from .models import Casefile

register_search(
    "casefiles",
    "Workspaces (example)",
    model=Casefile,
    fields=("title", "summary", "informant_phone"),
    result=lambda c: (c.title, f"/examples/casefiles/{c.pk}/"),
    order=990,
)
