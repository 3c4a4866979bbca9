from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from palermo.platform.imports import IMPORTERS

from ._base import import_file


class Command(BaseCommand):
    help = (
        "Import a file, all or nothing, as the user named with --as (default: the system "
        "actor, named so in the audit trail). "
        "Example: palermo import treaty-actions status.html --instrument UNTOC --as secretariat"
    )

    def add_arguments(self, parser):
        importers = parser.add_subparsers(
            dest="importer", required=True, metavar="IMPORTER", title="importers"
        )
        for name, importer in sorted(IMPORTERS.items()):
            aliases = [name.replace("-", "_")] if "-" in name else []
            sub = importers.add_parser(name, aliases=aliases, help=str(importer.label))
            sub.add_argument("file", help="Path of the file to import.")
            sub.add_argument(
                "--dry-run", action="store_true", help="Check every row, write nothing."
            )
            sub.add_argument(
                "--as", dest="user", help="User name to record as the author (default: system)."
            )
            sub.add_argument("--json", action="store_true", help="Print the report as JSON.")
            sub.add_argument(
                "--mapping",
                metavar="FILE",
                help="A column mapping (YAML or JSON) from the file's columns to the importer's "
                "fields; see docs/user/imports.md.",
            )
            importer.add_arguments(sub)

    def handle(self, *args, **options):
        name = options["importer"].replace("_", "-")
        importer = IMPORTERS[name]
        if not Path(options["file"]).is_file():
            raise CommandError(f"No file at {options['file']}.")
        extra = {k: options[k] for k in importer.option_names if options.get(k)}
        mapping = None
        if options.get("mapping"):
            mapping = _load_mapping(options["mapping"], importer)
        import_file(
            self, name, options, label=f"palermo import {name}", extra=extra, mapping=mapping
        )


def _load_mapping(filename: str, importer):
    """The mapping file, checked against the importer's fields before any row is read."""
    from palermo.platform.mapping import MappingSpecError, load_mapping

    path = Path(filename)
    if not path.is_file():
        raise CommandError(f"No mapping file at {path}.")
    try:
        mapping = load_mapping(path)
    except MappingSpecError as exc:
        raise CommandError(str(exc)) from exc
    fields = importer.target_fields()
    unknown = [f.field for f in mapping.fields if f.field not in fields]
    if unknown:
        raise CommandError(
            f"{path}: “{unknown[0]}” is not a field of {importer.name}; its fields are "
            f"{', '.join(fields)}."
        )
    return mapping
