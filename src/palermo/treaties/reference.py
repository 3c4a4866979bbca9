"""Loads the instruments and the partial treaty actions shipped in ``treaties/data``."""

from django.db import transaction

from palermo.platform.actors import system_user
from palermo.platform.audit import as_system
from palermo.platform.imports import run_import

from .services import DATA, load_instruments

# Order matters: the most recent and most precise source first, so an older file's vaguer
# kind ("ratification/acceptance/approval") never overrides a precise one.
ACTION_FILES = [
    (
        "untoc_parties_untc_excerpt_2024-05-04.csv",
        "UN Treaty Collection, status at 2024-05-04 (excerpt)",
    ),
    ("untoc_parties_nl_trb2007-70_excerpt.csv", "Tractatenblad 2007 no. 70, section E (excerpt)"),
    ("tip_protocol_parties_paclii_2008_excerpt.csv", "PacLII status page, 2008-07-17 (excerpt)"),
    (
        "tip_protocol_parties_whatconvention_excerpt.csv",
        "whatconvention.org ratifications 317 (excerpt)",
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
