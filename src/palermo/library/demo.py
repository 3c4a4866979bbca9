"""Loads the Library's shipped records: real legislation (``data/real_legislation.json``:
published texts reproduced under their licence, each with its source address) with the
reference data, and the fictional demo records (``data/demo.json``, each ``is_demo`` and
labelled "Fictional") with the demo content. Both go through the ``library`` importer, as
the system actor, so they are checked exactly like an imported file."""

from pathlib import Path

from palermo.platform.actors import system_user
from palermo.platform.audit import as_system
from palermo.platform.imports import run_import

DATA = Path(__file__).resolve().parent / "data"


class LibraryDataError(Exception):
    pass


@as_system
def load_file(filename: str, *, progress=None, data: Path = DATA) -> tuple[int, list[str]]:
    """Import one shipped file; returns (records created or updated, notes). A file with an
    error stops the load with every error named (file, row, field)."""
    path = data / filename
    if not path.is_file():
        return 0, [f"{filename} is missing: nothing loaded from it"]
    report = run_import("library", path, acting_user=system_user(), progress=progress)
    if not report.ok:
        raise LibraryDataError("; ".join(map(str, report.errors[:20])))
    return report.created + report.updated + report.unchanged, [w.message for w in report.warnings]


def load_real_legislation(progress=None):
    return load_file("real_legislation.json", progress=progress)


def load_demo(progress=None):
    from .models import RECORD_MODELS

    count, notes = load_file("demo.json", progress=progress)
    fictional = [
        record
        for model in RECORD_MODELS.values()
        for record in model.objects.filter(is_demo=False, number__startswith="DEMO-")
    ]
    notes += [f"{r} is numbered as demo content but not flagged is_demo" for r in fictional]
    return count, notes
