"""Import of Directory entries (CSV, XLSX, JSON): one row per State, area and authority.

All or nothing: every row is checked (State, area, languages, channels, dates, the model's own
rules, duplicates within the file) and each error reported with its row and column; only when
none is found are the entries written. A row whose State, area and authority match an entry
updates it; others are created. Who imports must be allowed to change each row's State (the
Secretariat: any).
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.core.models import Participant
from palermo.platform.imports import Importer, register_importer
from palermo.platform.policies import policy_for

from .choices import Channel
from .models import Area, Authority

TEXT_FIELDS = (
    "unit",
    "address",
    "contact_persons",
    "phone",
    "direct_lines",
    "email",
    "hours",
    "time_zone",
    "urgent_procedure",
    "requirements",
    "notes",
)
YES = {"yes", "y", "true", "1", "oui", "sí", "si"}
NO = {"no", "n", "false", "0", "non"}


def _list(value) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value or "")
    for sep in (";", "|", " "):
        text = text.replace(sep, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


@register_importer
class DirectoryImporter(Importer):
    name = "directory-entries"
    label = gettext_lazy("Directory of competent authorities")
    help = gettext_lazy("One row per State, area and authority; see docs/user/directory.md.")
    permission = "directory.import_entries"
    models = (Authority,)
    required_columns = ("state", "area", "authority")
    fields = {
        "state": "State (ISO 3166 alpha-3)",
        "area": "Area (code)",
        "authority": "Authority",
        "unit": "Unit",
        "address": "Address",
        "contact_persons": "Contact persons",
        "phone": "Telephone",
        "direct_lines": "Direct lines",
        "email": "E-mail",
        "hours": "Office hours",
        "time_zone": "Time zone",
        "languages": "Accepted languages (ISO 639-1, comma-separated)",
        "channels": "Accepted channels (central_authority, diplomatic, interpol)",
        "urgent_procedure": "Urgent requests",
        "requirements": "Requirements for incoming requests",
        "convention_legal_basis": "Convention accepted as legal basis (yes/no)",
        "last_confirmed": "Last confirmed (YYYY-MM-DD)",
        "notes": "Notes",
    }

    def parse(self, source, report):
        report.options["_states"] = {p.code: p for p in Participant.objects.all()}
        report.options["_areas"] = {a.code: a for a in Area.objects.all()}
        report.options["_seen"] = {}
        return super().parse(source, report)

    def validate_row(self, row, report):
        values, ok = row.values, True
        states, areas, seen = (
            report.options["_states"],
            report.options["_areas"],
            report.options["_seen"],
        )
        code = str(values.get("state") or "").strip().upper()
        participant = states.get(code)
        if participant is None:
            report.error(
                row.number,
                "state",
                _("“%(code)s” is not a State's ISO 3166 alpha-3 code") % {"code": code},
                "unknown",
            )
            ok = False
        area_code = str(values.get("area") or "").strip().lower()
        area = areas.get(area_code)
        if area is None:
            report.error(
                row.number,
                "area",
                _("“%(code)s” is not an area; use one of %(known)s")
                % {"code": area_code, "known": ", ".join(areas)},
                "unknown",
            )
            ok = False
        authority = str(values.get("authority") or "").strip()
        if not authority:
            report.error(row.number, "authority", _("the authority is empty"), "missing")
            ok = False
        channels = [c.lower() for c in _list(values.get("channels"))]
        for channel in channels:
            if channel not in Channel.values:
                report.error(
                    row.number,
                    "channels",
                    _("“%(value)s” is not a channel; use %(known)s")
                    % {"value": channel, "known": ", ".join(Channel.values)},
                )
                ok = False
        basis = values.get("convention_legal_basis")
        if isinstance(basis, bool) or basis is None:
            legal_basis = basis
        else:
            text = str(basis).strip().lower()
            legal_basis = True if text in YES else False if text in NO else None
            if text and legal_basis is None:
                report.error(
                    row.number,
                    "convention_legal_basis",
                    _("“%(value)s” is not yes or no") % {"value": basis},
                )
                ok = False
        confirmed = values.get("last_confirmed")
        if isinstance(confirmed, datetime):
            confirmed = confirmed.date()
        elif confirmed and not isinstance(confirmed, date):
            try:
                confirmed = date.fromisoformat(str(confirmed).strip())
            except ValueError:
                report.error(
                    row.number,
                    "last_confirmed",
                    _("“%(value)s” is not a date (YYYY-MM-DD)") % {"value": confirmed},
                )
                ok = False
        if not ok:
            return None
        key = (participant.pk, area.pk, authority.casefold())
        if key in seen:
            report.error(
                row.number,
                "authority",
                _("the same State, area and authority as row %(row)s") % {"row": seen[key]},
                "duplicate",
            )
            return None
        seen[key] = row.number
        data = {
            "languages": [c.lower() for c in _list(values.get("languages"))],
            "channels": channels,
            "convention_legal_basis": legal_basis,
            "last_confirmed": confirmed or None,
            **{name: str(values.get(name) or "").strip() for name in TEXT_FIELDS},
        }
        entry = Authority(participant=participant, area=area, authority=authority, **data)
        try:
            entry.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                for message in messages:
                    report.error(
                        row.number, None if field_name == "__all__" else field_name, message
                    )
            return None
        return row.number, participant, area, authority, data

    def write_batch(self, items, report, *, acting_user):
        policy = policy_for(Authority)
        for number, participant, area, authority, data in items:
            entry = (
                Authority.objects.filter(participant=participant, area=area, authority=authority)
                .select_related("participant", "area")
                .first()
            )
            action = "change" if entry else "add"
            probe = entry or Authority(participant=participant, area=area, authority=authority)
            if not policy.allows(acting_user, action, probe):
                report.error(
                    number,
                    "state",
                    _("you may not change the entries of %(state)s") % {"state": participant.code},
                    "forbidden",
                )
                continue
            if report.error_total:
                continue
            if entry is None:
                entry = Authority(participant=participant, area=area, authority=authority, **data)
                self.stamp(entry, report, number)
                entry.save()
                report.created += 1
                continue
            hidden = policy.hidden_fields(acting_user)
            changed = False
            for name, value in data.items():
                if name not in hidden and getattr(entry, name) != value:
                    setattr(entry, name, value)
                    changed = True
            if changed:
                entry.save()
                report.updated += 1
            else:
                report.unchanged += 1
