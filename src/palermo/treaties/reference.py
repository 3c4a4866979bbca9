"""Loads the instruments and the treaty actions shipped in ``treaties/data``."""

from django.db import transaction

from palermo.platform.actors import system_user
from palermo.platform.audit import as_system
from palermo.platform.imports import run_import

from .services import DATA, load_instruments

#: The treaty actions loaded: the UN Treaty Collection's complete participant tables of the
#: Convention and its Protocols as at 10 July 2014, plus the later deposits that could be
#: sourced (one file, several instruments; see data/SOURCES.md). The ``*_excerpt.csv`` files
#: are kept as cross-check sources only (tests/treaties/test_reference_data.py).
ACTION_FILES = [
    (
        "untc_2014_actions.csv",
        "UN Treaty Collection participant tables as at 2014-07-10, with later sourced deposits",
    ),
]


class ReferenceDataError(Exception):
    pass


@transaction.atomic
@as_system
def load_treaty_reference(*, progress=None) -> dict:
    result = load_instruments()
    actions, warnings = 0, []
    for filename, source in ACTION_FILES:
        report = run_import(
            "treaty-actions",
            filename,
            (DATA / filename).read_bytes(),
            acting_user=system_user(),
            progress=progress,
            options={"source": source},
        )
        if not report.ok:
            raise ReferenceDataError("; ".join(map(str, report.errors)))
        actions += report.created
        warnings += [w.message for w in report.warnings if w.row is not None]
    from .queries import get_engine

    warnings += [d.message for d in get_engine().discrepancies]
    return {**result, "actions": actions, "warnings": warnings}
