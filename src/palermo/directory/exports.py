"""The Directory's export for ``palermo export directory`` (and ``palermo directory export``):
the list's columns and rows, as the user named with ``--as`` may see them."""

from palermo.platform.exports import Export, register_export

from .tables import AuthorityTable


def _arguments(parser):
    parser.add_argument("--area", help="Only this area (code, e.g. mla).")
    parser.add_argument("--state", help="Only this State (ISO 3166 alpha-3, e.g. ARG).")
    parser.add_argument(
        "--stale", action="store_true", help="Only entries not confirmed for 12 months."
    )


def entries(options):
    from .models import Authority

    qs = Authority.objects.with_related()
    if options.get("area"):
        qs = qs.filter(area__code=options["area"])
    if options.get("state"):
        qs = qs.filter(participant__code=options["state"].upper())
    if options.get("stale"):
        qs = qs.stale()
    return qs


register_export(
    Export(
        name="directory",
        help="Directory of competent authorities (--area, --state, --stale).",
        table_class=AuthorityTable,
        rows=entries,
        arguments=_arguments,
    )
)
