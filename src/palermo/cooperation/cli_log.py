"""``palermo cooperation list|status|export|import``: the log of requests from the command line.

The export writes one row per request in ``COLUMNS``; the import reads the same columns back
(``LogImporter``, through the platform's import framework: all or nothing, each error with its
row and field). A reference the keeping authority already holds is updated, not duplicated.
Reads without ``--as`` are the public's (who sees no request); docs/user/cooperation.md
describes every field.
"""

import csv
import json
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.core.management.commands._base import acting_user, import_file, refused_as_error
from palermo.core.models import Participant
from palermo.directory.models import Authority
from palermo.platform.audit import record_reads, surface
from palermo.platform.choices import Surface
from palermo.platform.imports import Importer, register_importer
from palermo.platform.policies import policy_for, restrict

from . import services
from .context import AREAS
from .models import Direction, Event, Request, RequestKind, Status
from .policies import own_authority

HANDLERS: dict = {}

#: The log's columns, in the order of the export (and of an import file).
COLUMNS = (
    "reference",
    "title",
    "direction",
    "kind",
    "status",
    "keeping_state",
    "authority",
    "counterpart_state",
    "counterpart_authority",
    "requesting_state",
    "requested_state",
    "language",
    "sent_on",
    "received_on",
    "acknowledged_on",
    "closed_on",
    "deadline",
    "refusal_grounds",
    "related",
    "is_demo",
)
DATES = ("sent_on", "received_on", "acknowledged_on", "closed_on", "deadline")


def add_parsers(sub) -> None:
    """Add this module's actions to the ``cooperation`` command's subparsers."""
    listing = sub.add_parser("list", help="The requests you may see, newest first.")
    listing.add_argument("--as", dest="user", help="Read as this user (needed to see any).")
    listing.add_argument("--status", choices=Status.values, help="Only requests in this status.")
    listing.add_argument("--direction", choices=Direction.values, help="Outgoing or incoming.")
    listing.add_argument("--json", action="store_true", help="Print JSON for scripts.")

    status = sub.add_parser("status", help="Move a request to another status, recording an event.")
    status.add_argument("id", help="The request's number, or its reference.")
    status.add_argument("status", choices=Status.values)
    status.add_argument("--on", required=True, help="The day it happened (YYYY-MM-DD).")
    status.add_argument("--note", default="", help="A note recorded with the event.")
    status.add_argument(
        "--grounds", default="", help="For a refusal: its article 18(21) grounds, e.g. a,b."
    )
    status.add_argument("--as", dest="user", required=True, help="Act as this user.")
    status.add_argument("--json", action="store_true", help="Print JSON for scripts.")

    export = sub.add_parser("export", help="The log: one row per request you may see.")
    export.add_argument("--as", dest="user", help="Read as this user (needed to see any).")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("-o", "--output", required=True, help="The file to write.")

    imports = sub.add_parser(
        "import",
        help="Record requests from a CSV file in the export's columns; all or nothing.",
    )
    imports.add_argument("file")
    imports.add_argument("--as", dest="user", required=True, help="Act as this user.")
    imports.add_argument("--dry-run", action="store_true", help="Check the file and write nothing.")
    imports.add_argument("--json", action="store_true", help="Print the report as JSON.")


def _joined(values) -> str:
    return ";".join(str(v) for v in values)


def log_row(item: Request) -> dict:
    """One request as a row of the log (``COLUMNS``); dates as YYYY-MM-DD."""
    related = getattr(item, "visible_related", None)
    return {
        "reference": item.reference,
        "title": item.title,
        "direction": item.direction,
        "kind": item.kind,
        "status": item.status,
        "keeping_state": item.authority.participant.code,
        "authority": item.authority.authority,
        "counterpart_state": item.counterpart_state.code,
        "counterpart_authority": (
            item.counterpart_authority.authority if item.counterpart_authority_id else ""
        ),
        "requesting_state": item.requesting_state.code,
        "requested_state": item.requested_state.code,
        "language": item.language,
        **{name: getattr(item, name).isoformat() if getattr(item, name) else "" for name in DATES},
        "refusal_grounds": _joined(item.refusal_grounds or []),
        "related": _joined(sorted(r.reference for r in related or [])),
        "is_demo": "yes" if item.is_demo else "no",
    }


def _visible(user, options):
    rows = restrict(
        Request.objects.select_related(
            "authority__participant",
            "counterpart_authority",
            "requesting_state",
            "requested_state",
        ),
        user,
    )
    if options.get("status"):
        rows = rows.filter(status=options["status"])
    if options.get("direction"):
        rows = rows.filter(direction=options["direction"])
    return rows.order_by("-created", "-pk")


def _with_related(items, user):
    """Give each request ``visible_related``: its related requests the user may see (2
    queries, whatever the number)."""
    ids = [item.pk for item in items]
    through = Request.related.through
    pairs = list(
        through.objects.filter(from_request_id__in=ids).values_list(
            "from_request_id", "to_request_id"
        )
    )
    visible = {
        r.pk: r
        for r in restrict(Request.objects.filter(pk__in={b for _a, b in pairs}), user).only(
            "pk", "reference"
        )
    }
    by_item: dict[int, list] = {}
    for a, b in pairs:
        if b in visible:
            by_item.setdefault(a, []).append(visible[b])
    for item in items:
        item.visible_related = by_item.get(item.pk, [])
    return items


def do_list(command, options):
    user = acting_user(options["user"], anonymous=True)
    with surface(Surface.CLI, "cooperation list"):
        items = _with_related(list(_visible(user, options)), user)
        record_reads(user, items, model=Request)
    if options["json"]:
        rows = [{"id": item.pk, **log_row(item)} for item in items]
        command.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not items:
        command.stdout.write(
            _("No requests.") if options["user"] else _("No requests (name a user with --as).")
        )
    for item in items:
        row = log_row(item)
        command.stdout.write(
            f"{item.pk:>5}  {row['reference']:<16} {row['direction']:<8} "
            f"{row['counterpart_state']}  {row['status']:<15} {row['title']}"
        )


def _find(user, ident: str) -> Request:
    rows = restrict(Request.objects.all(), user)
    found = None
    if ident.isdigit():
        found = rows.filter(pk=int(ident)).first()
    if found is None:
        matches = list(rows.filter(reference=ident)[:2])
        if len(matches) > 1:
            raise CommandError(
                _("%(ref)s: several requests have this reference; give the number.")
                % {"ref": ident}
            )
        found = matches[0] if matches else None
    if found is None:
        raise CommandError(_("No request %(id)s that you may see.") % {"id": ident})
    return found


def do_status(command, options):
    user = acting_user(options["user"])
    try:
        on = date.fromisoformat(options["on"])
    except ValueError:
        raise CommandError(f"--on: {options['on']!r} is not a date (YYYY-MM-DD).") from None
    grounds = [g.strip() for g in options["grounds"].split(",") if g.strip()]
    with surface(Surface.CLI, "cooperation status"), refused_as_error():
        item = _find(user, options["id"])
        try:
            event = services.transition(
                item,
                options["status"],
                acting_user=user,
                on=on,
                note=options["note"],
                grounds=grounds,
            )
        except services.TransitionError as exc:
            raise CommandError(str(exc)) from None
    item.refresh_from_db()
    if options["json"]:
        command.stdout.write(
            json.dumps(
                {
                    "id": item.pk,
                    "reference": item.reference,
                    "status": item.status,
                    "on": event.on.isoformat(),
                    "note": event.note,
                    "refusal_grounds": list(item.refusal_grounds or []),
                    "sent_on": item.sent_on.isoformat() if item.sent_on else None,
                    "acknowledged_on": (
                        item.acknowledged_on.isoformat() if item.acknowledged_on else None
                    ),
                    "closed_on": item.closed_on.isoformat() if item.closed_on else None,
                },
                indent=2,
            )
        )
    else:
        command.stdout.write(
            _("%(ref)s is now %(status)s (%(on)s).")
            % {"ref": item.reference, "status": item.get_status_display(), "on": on.isoformat()}
        )


def do_export(command, options):
    user = acting_user(options["user"], anonymous=True)
    path = Path(options["output"])
    with surface(Surface.EXPORT, "cooperation export"):
        items = _with_related(list(_visible(user, options)), user)
        record_reads(user, items, model=Request)
    rows = [log_row(item) for item in items]
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            if options["format"] == "json":
                json.dump(rows, handle, indent=2, ensure_ascii=False)
            else:
                writer = csv.DictWriter(handle, fieldnames=COLUMNS)
                writer.writeheader()
                writer.writerows(rows)
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}.") from None
    command.stdout.write(_("%(n)s requests written to %(path)s.") % {"n": len(rows), "path": path})


def do_import(command, options):
    import_file(
        command,
        LogImporter.name,
        {**options, "dry_run": options.get("dry_run", False)},
        label="cooperation import",
    )


HANDLERS.update({"list": do_list, "status": do_status, "export": do_export, "import": do_import})


# The import ----------------------------------------------------------------------------


class _Row:
    """Reads one row's cells, reporting each problem with the row and the field."""

    def __init__(self, row, report):
        self.row, self.report, self.ok = row, report, True

    def error(self, field, message):
        self.ok = False
        self.report.error(self.row.number, field, message)

    def text(self, name, *, required=False, limit=None) -> str:
        value = str(self.row.values.get(name) or "").strip()
        if required and not value:
            self.error(name, _("this field is required"))
        if limit and len(value) > limit:
            self.error(name, _("at most %(n)s characters") % {"n": limit})
        return value

    def choice(self, name, choices, default=None) -> str:
        value = self.text(name).lower()
        if not value:
            if default is None:
                self.error(name, _("this field is required"))
            return default
        if value not in choices.values:
            self.error(
                name,
                _("%(value)r is not one of %(choices)s")
                % {"value": value, "choices": ", ".join(choices.values)},
            )
        return value

    def date(self, name):
        raw = self.row.values.get(name)
        if isinstance(raw, datetime):  # a spreadsheet's date cell
            return raw.date()
        if isinstance(raw, date):
            return raw
        value = self.text(name)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(name, _("%(value)r is not a date (YYYY-MM-DD)") % {"value": value})
            return None

    def state(self, name, *, required=False):
        code = self.text(name, required=required).upper()
        if not code:
            return None
        state = self.report.options["_states"].get(code)
        if state is None:
            self.error(name, _("no State with the code %(code)r") % {"code": code})
        return state

    def boolean(self, name) -> bool:
        value = self.text(name).lower()
        if value in ("", "no", "false", "0"):
            return False
        if value in ("yes", "true", "1"):
            return True
        self.error(name, _("%(value)r is not yes or no") % {"value": value})
        return False


def _list(value) -> list[str]:
    return [v.strip() for v in str(value or "").replace(",", ";").split(";") if v.strip()]


@register_importer
class LogImporter(Importer):
    """Requests sent or received outside Palermo, or kept in another system."""

    name = "cooperation-log"
    label = gettext_lazy("Cooperation: the log of requests")
    help = gettext_lazy(
        "One row per request, in the columns of `palermo cooperation export`; see "
        "docs/user/cooperation.md."
    )
    permission = "cooperation.add_request"
    formats = ("csv", "tsv", "xlsx")
    models = (Request,)
    required_columns = ("reference", "title", "direction", "keeping_state", "counterpart_state")
    fields = {name: name for name in COLUMNS}

    def parse(self, source, report):
        report.options["_states"] = {p.code: p for p in Participant.objects.all()}
        report.options["_seen"] = {}
        return super().parse(source, report)

    def validate_row(self, row, report):
        check = _Row(row, report)
        reference = check.text("reference", required=True, limit=60)
        direction = check.choice("direction", Direction)
        kind = check.choice("kind", RequestKind, RequestKind.MLA)
        status = check.choice("status", Status, Status.DRAFT)
        keeping = check.state("keeping_state", required=True)
        counterpart = check.state("counterpart_state", required=True)
        outgoing = direction == Direction.OUTGOING
        requesting, requested = (keeping, counterpart) if outgoing else (counterpart, keeping)
        for name, expected in (("requesting_state", requesting), ("requested_state", requested)):
            given = check.state(name)
            if given is not None and expected is not None and given != expected:
                check.error(
                    name,
                    _(
                        "%(given)s does not agree with the direction, keeping_state and "
                        "counterpart_state (%(expected)s)"
                    )
                    % {"given": given.code, "expected": expected.code},
                )
        authority = self._authority(check, "authority", keeping, kind, required=True)
        counterpart_authority = self._authority(
            check, "counterpart_authority", counterpart, kind, required=False
        )
        values = {
            "title": check.text("title", required=True, limit=300),
            "direction": direction,
            "kind": kind,
            "status": status,
            "language": check.text("language", limit=10),
            **{name: check.date(name) for name in DATES},
            "is_demo": check.boolean("is_demo"),
        }
        grounds = [g.lower() for g in _list(row.values.get("refusal_grounds"))]
        unknown = [g for g in grounds if g not in services.REFUSAL_GROUNDS]
        if unknown:
            check.error(
                "refusal_grounds",
                _("%(grounds)s: not a ground of article 18(21) (a, b, c, d, other)")
                % {"grounds": ", ".join(unknown)},
            )
        if status == Status.REFUSED and not grounds:
            check.error(
                "refusal_grounds", _("a refused request needs its grounds (a, b, c, d, other)")
            )
        if grounds and status != Status.REFUSED:
            check.error("refusal_grounds", _("grounds go only with the status refused"))
        values["refusal_grounds"] = sorted(set(grounds), key=list(services.REFUSAL_GROUNDS).index)
        if status in services.CLOSED and not values["closed_on"]:
            check.error(
                "closed_on", _("give the day the request was %(status)s") % {"status": status}
            )
        if status != Status.DRAFT and outgoing and not values["sent_on"]:
            check.error("sent_on", _("give the day the request was sent"))
        if not outgoing and direction and not values["received_on"]:
            check.error("received_on", _("give the day the request was received"))
        start = values["sent_on"] if outgoing else values["received_on"]
        for name in ("acknowledged_on", "closed_on"):
            if start and values[name] and values[name] < start:
                check.error(
                    name, _("before the request was sent or received (%(day)s)") % {"day": start}
                )
        if not check.ok:
            return None
        key = (authority.pk, reference)
        seen = report.options["_seen"]
        if key in seen:
            check.error("reference", _("the same reference is on row %(row)s") % {"row": seen[key]})
            return None
        seen[key] = row.number
        values.update(
            authority=authority,
            counterpart_authority=counterpart_authority,
            requesting_state=requesting,
            requested_state=requested,
            reference=reference,
        )
        return row.number, values, _list(row.values.get("related"))

    def _authority(self, check, name, state, kind, *, required):
        given = check.text(name, limit=300)
        if state is None:
            return None
        entries = Authority.objects.filter(participant=state)
        if given:
            found = list(entries.filter(Q(authority__iexact=given))[:2])
            if not found:
                check.error(
                    name,
                    _("%(state)s has no Directory entry named %(name)r")
                    % {"state": state.code, "name": given},
                )
                return None
            return found[0]
        if not required:
            return None
        for area in AREAS.get(kind, ("mla",)):
            found = list(entries.filter(area__code=area)[:2])
            if len(found) == 1:
                return found[0]
        check.error(
            name,
            _(
                "name the keeping authority as in the Directory (%(state)s has no single entry for this kind of request)"
            )
            % {"state": state.code},
        )
        return None

    def write_batch(self, items, report, *, acting_user):
        policy = policy_for(Request)
        linked = []
        for number, values, related in items:
            existing = Request.objects.filter(
                authority=values["authority"], reference=values["reference"]
            ).first()
            if existing is not None and not policy.allows(acting_user, "change", existing):
                report.error(
                    number,
                    "reference",
                    _("you may not change the request %(ref)s") % {"ref": values["reference"]},
                    "forbidden",
                )
                continue
            if existing is None and not (
                _is_system(acting_user)
                or own_authority.test(acting_user, Request(authority=values["authority"]))
            ):
                report.error(
                    number,
                    "keeping_state",
                    _("you record requests only for an authority of the State you act for"),
                    "forbidden",
                )
                continue
            item = existing or Request(created_by=None if _is_system(acting_user) else acting_user)
            previous = existing.status if existing else None
            changed = existing is None or any(
                getattr(item, name) != value for name, value in values.items()
            )
            for name, value in values.items():
                setattr(item, name, value)
            try:
                item.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                for field_name, messages in exc.message_dict.items():
                    report.error(
                        number, None if field_name == "__all__" else field_name, "; ".join(messages)
                    )
                continue
            if existing is None:
                self.stamp(item, report, number)
                report.created += 1
            elif changed:
                report.updated += 1
            else:
                report.unchanged += 1
            if changed:
                item.save()
            if item.status != previous:
                Event.objects.create(
                    request=item,
                    on=_event_day(item),
                    status=item.status,
                    note=_("Imported from %(file)s, row %(row)s.")
                    % {"file": report.file, "row": number},
                    created_by=None if _is_system(acting_user) else acting_user,
                )
            if related:
                linked.append((number, item, related))
        for number, item, references in linked:
            for reference in references:
                other = Request.objects.filter(
                    authority=item.authority, reference=reference
                ).first()
                if other is None or not policy.allows(acting_user, "view", other):
                    report.error(
                        number,
                        "related",
                        _("no request %(ref)s of the same authority") % {"ref": reference},
                    )
                    continue
                if other.pk != item.pk:
                    item.related.add(other)


def _event_day(item: Request) -> date:
    return (
        item.closed_on or item.acknowledged_on or item.sent_on or item.received_on or date.today()
    )


def _is_system(user) -> bool:
    from palermo.platform.actors import is_system

    return is_system(user)
