from palermo.platform.exports import Export, register_export

from .models import Casefile
from .views import CasefileTable

register_export(
    Export(
        name="example-casefiles",
        help="Example workspaces (tests only).",
        table_class=CasefileTable,
        rows=lambda options: Casefile.objects.all(),
    )
)
