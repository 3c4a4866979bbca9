"""Ready column mappings for the sheets investigators receive, one per importer.

Each is a ``platform.mapping`` mapping (the format of docs/user/imports.md) from the columns of
the fictional samples in ``data/samples/`` to the importer's fields; ``palermo analysis import
INVESTIGATION FILE --mapping calls`` uses one by name. A sheet with other column names takes a
mapping file instead: the same YAML or JSON with a ``kind`` entry naming the importer
(``kind: payments``), given as ``--mapping path/to/mapping.yaml``.
"""

from pathlib import Path

from django.utils.translation import gettext as _

from palermo.platform.mapping import Mapping, MappingSpecError

SAMPLES = Path(__file__).parent / "data" / "samples"

READY: dict[str, dict] = {
    "calls": {
        "kind": "calls",
        "sample": "calls.csv",
        "mapping": {
            "name": "Call records",
            "description": "Caller → receiver, start and duration of each call.",
            "fields": {
                "caller": "Caller number",
                "caller_name": "Caller",
                "receiver": "Receiver number",
                "receiver_name": "Receiver",
                "start": "Start",
                "duration": "Duration (s)",
            },
        },
    },
    "payments": {
        "kind": "payments",
        "sample": "payments.csv",
        "mapping": {
            "name": "Bank transactions",
            "description": "One transfer a row: ordering party and account, beneficiary and "
            "account, amount, currency, date.",
            "fields": {
                "date": "Value date",
                "payer": "Ordering party",
                "payer_account": "Ordering account",
                "beneficiary": "Beneficiary",
                "beneficiary_account": "Beneficiary account",
                "amount": "Amount",
                "currency": "Currency",
                "purpose": "Details",
                "reference": "Ref",
            },
        },
    },
    "companies": {
        "kind": "companies",
        "sample": "companies.csv",
        "mapping": {
            "name": "Company register",
            "description": "A company a row with its director and a shareholder and share.",
            "fields": {
                "company": "Company name",
                "registration_number": "Reg. no.",
                "jurisdiction": "Country",
                "incorporation_date": "Incorporated",
                "director": "Director",
                "shareholder": "Shareholder",
                "share": "Share",
            },
        },
    },
    "seizures": {
        "kind": "seizures",
        "sample": "seizures.csv",
        "mapping": {
            "name": "Seizures",
            "description": "What was seized, where and when, and from whom.",
            "fields": {
                "date": "Date",
                "place": "Location",
                "item": "Item",
                "quantity": "Qty",
                "persons": "Persons",
            },
        },
    },
    "cases": {
        "kind": "cases",
        "sample": "cases.csv",
        "mapping": {
            "name": "Case files",
            "description": "A person in a case a row; given names and surname joined.",
            "fields": {
                "person": {"columns": ["Given names", "Surname"], "join": " "},
                "role": "Role",
                "case": "Case number",
                "birth_date": "Born",
                "nationality": "Nationality",
                "passport": "Passport",
            },
        },
    },
}


class MappingNotFound(ValueError):
    pass


def resolve(name) -> tuple[str, Mapping]:
    """``(kind, mapping)`` for a ready mapping's name or a mapping file's path."""
    from .importers import IMPORTERS_BY_KIND

    text = str(name)
    if text in READY:
        ready = READY[text]
        return ready["kind"], Mapping.from_dict(ready["mapping"], source=text)
    path = Path(text)
    if not path.is_file():
        raise MappingNotFound(
            _("“%(name)s” is neither a ready mapping (%(ready)s) nor a mapping file")
            % {"name": text, "ready": ", ".join(READY)}
        )
    import json

    import yaml

    try:
        raw = path.read_text(encoding="utf-8")
        data = json.loads(raw) if path.suffix.lower() == ".json" else yaml.safe_load(raw)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise MappingNotFound(f"{path}: {exc}") from None
    if not isinstance(data, dict) or data.get("kind") not in IMPORTERS_BY_KIND:
        raise MappingNotFound(
            _("%(path)s: say which sheet this maps with “kind:” (%(kinds)s)")
            % {"path": path, "kinds": ", ".join(IMPORTERS_BY_KIND)}
        )
    kind = data.pop("kind")
    try:
        return kind, Mapping.from_dict(data, source=str(path))
    except MappingSpecError as exc:
        raise MappingNotFound(str(exc)) from None
