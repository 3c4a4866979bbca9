"""Imports of programmes, activities and needs (CSV, XLSX, JSON), all or nothing.

Every row is checked — its State codes (ISO 3166 alpha-3), type of assistance, priority areas
and activities, article references ("UNTOC 27"), dates ("2024", "2024-03", "2024-03-15"),
currency, and that no code appears twice in the file — and each error is reported with its row
and column; only when there is none is anything written. A row whose code is already in
Palermo updates that record (historical and partner records cannot be replaced this way).

Programmes and activities: the Secretariat. Needs: the Secretariat, or a State's focal point
or governmental expert for their own State only; needs are recorded through
``services.record_need`` so each has its first history step. Lists in a cell are separated by
``;`` (or ``,``). Samples: ``data/samples/``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import rules
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.core.models import Participant
from palermo.core.permissions import acts_for_state, is_secretariat
from palermo.platform.imports import Importer, register_importer
from palermo.platform.policies import policy_for
from palermo.treaties.models import Article

from . import services
from .choices import NeedOrigin, Origin, Priority, ProgrammeKind, WorkStatus
from .historical import partial_date
from .models import (
    Activity,
    AssistanceType,
    ExchangeRate,
    InstitutionType,
    Need,
    Organisation,
    Participation,
    PriorityActivity,
    PriorityArea,
    Programme,
    Project,
)
from .policies import STATE_ROLES

IMPORT_WORK = "assistance.import_work"
IMPORT_NEEDS = "assistance.import_needs"
if not rules.perm_exists(IMPORT_WORK):
    rules.add_perm(IMPORT_WORK, is_secretariat)
if not rules.perm_exists(IMPORT_NEEDS):
    rules.add_perm(IMPORT_NEEDS, is_secretariat | acts_for_state(*STATE_ROLES))

YES = {"yes", "y", "true", "1", "oui", "sí", "si"}
NO = {"no", "n", "false", "0", "non", ""}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _list(value) -> list[str]:
    if isinstance(value, list):
        return [_text(v) for v in value if _text(v)]
    text = _text(value).replace("|", ";").replace(",", ";")
    return [part.strip() for part in text.split(";") if part.strip()]


class _Checker:
    """One row's checks: each failed check reports its error and marks the row bad."""

    def __init__(self, row, report, lookups):
        self.row, self.report, self.lookups, self.ok = row, report, lookups, True
        self.values = row.values

    def error(self, field, message, kind="invalid"):
        self.report.error(self.row.number, field, message, kind)
        self.ok = False

    def text(self, field, required=False, limit=None):
        value = _text(self.values.get(field))
        if required and not value:
            self.error(field, _("the value is empty"), "missing")
        if limit and len(value) > limit:
            self.error(field, _("longer than %(n)s characters") % {"n": limit})
        return value

    def states(self, field="states", required=False):
        found = []
        codes = [c.upper() for c in _list(self.values.get(field))]
        if required and not codes:
            self.error(field, _("the value is empty"), "missing")
        for code in codes:
            participant = self.lookups["states"].get(code)
            if participant is None:
                self.error(
                    field,
                    _("“%(code)s” is not a State's ISO 3166 alpha-3 code") % {"code": code},
                    "unknown",
                )
            else:
                found.append(participant)
        return found

    def codes(self, field, table, what, *, single=False, casefold=None):
        found = []
        items = _list(self.values.get(field))
        if single:
            items = items[:1] if _text(self.values.get(field)) else []
        for code in items:
            key = casefold(code) if casefold else code
            obj = self.lookups[table].get(key)
            if obj is None:
                self.error(
                    field,
                    _("“%(code)s” is not a %(what)s; use one of %(known)s")
                    % {"code": code, "what": what, "known": ", ".join(self.lookups[table])},
                    "unknown",
                )
            else:
                found.append(obj)
        if single:
            return found[0] if found else None
        return found

    def articles(self, field="articles"):
        found = []
        for reference in _list(self.values.get(field)):
            parts = reference.split()
            article = None
            if len(parts) == 2:
                article = self.lookups["articles"].get((parts[0].upper(), parts[1]))
            if article is None:
                self.error(
                    field,
                    _("“%(ref)s” is not an article (write it as “UNTOC 27”)") % {"ref": reference},
                    "unknown",
                )
            else:
                found.append(article)
        return found

    def date(self, field, *, end=False):
        value = self.values.get(field)
        if isinstance(value, datetime):
            return value.date(), "day"
        if isinstance(value, date):
            return value, "day"
        text = _text(value)
        if not text:
            return None, None
        try:
            return partial_date(text, end=end)
        except (ValueError, TypeError):
            self.error(
                field,
                _("“%(value)s” is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") % {"value": text},
            )
            return None, None

    def decimal(self, field):
        text = _text(self.values.get(field)).replace(" ", "")
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            self.error(field, _("“%(value)s” is not a number") % {"value": text})
            return None
        if value < 0:
            self.error(field, _("the amount is negative"))
        return value

    def count(self, field):
        value = self.decimal(field)
        if value is None:
            return 0
        if value != int(value):
            self.error(field, _("“%(value)s” is not a whole number") % {"value": value})
            return 0
        return int(value)

    def currency(self, field, required):
        code = _text(self.values.get(field)).upper()
        if not code:
            if required:
                self.error(field, _("give the currency of the amount"), "missing")
            return ""
        if code != "USD" and code not in self.lookups["currencies"]:
            self.error(
                field,
                _("“%(code)s” is not a currency with exchange rates; use one of %(known)s")
                % {"code": code, "known": ", ".join(["USD", *sorted(self.lookups["currencies"])])},
                "unknown",
            )
        return code

    def choice(self, field, choices, default):
        value = _text(self.values.get(field)).lower()
        if not value:
            return default
        if value not in choices.values:
            self.error(
                field,
                _("“%(value)s” is not one of %(known)s")
                % {"value": value, "known": ", ".join(choices.values)},
            )
            return default
        return value

    def boolean(self, field, default):
        value = self.values.get(field)
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if not text:
            return default
        if text in YES:
            return True
        if text in NO:
            return False
        self.error(field, _("“%(value)s” is not yes or no") % {"value": value})
        return default

    def unique(self, code, field="code"):
        seen = self.lookups["seen"]
        if code in seen:
            self.error(
                field,
                _("the code “%(code)s” is also in row %(row)s") % {"code": code, "row": seen[code]},
                "duplicate",
            )
        else:
            seen[code] = self.row.number

    def model(self, obj, exclude=()):
        try:
            obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.error(None if field == "__all__" else field, message)


def _lookups(report) -> dict:
    lookups = {
        "states": {p.code: p for p in Participant.objects.all()},
        "areas": {a.code: a for a in PriorityArea.objects.all()},
        "pacts": {a.code: a for a in PriorityActivity.objects.all()},
        "institutions": {i.code: i for i in InstitutionType.objects.all()},
        "articles": {
            (a.instrument.code.upper(), a.number): a
            for a in Article.objects.select_related("instrument")
        },
        "currencies": set(ExchangeRate.objects.values_list("currency", flat=True).distinct()),
        "programmes": {p.code: p for p in Programme.objects.all()},
        "projects": {p.code: p for p in Project.objects.all()},
        "seen": {},
    }
    types = {}
    for t in AssistanceType.objects.all():
        for name in [t.code, *(t.aliases or []), t.name]:
            types[name.casefold()] = t
    lookups["types"] = types
    report.options["_lookups"] = lookups
    return lookups


def _work_dates(check):
    start, p1 = check.date("start")
    end, p2 = check.date("end", end=True)
    order = ["year", "month", "day"]
    given = [p for p in (p1, p2) if p]
    precision = min(given, key=order.index) if given else "day"
    return start, end, precision


def _existing(model, code, check):
    obj = model.objects.filter(code=code).first()
    if obj is not None and getattr(obj, "origin", Origin.PALERMO) != Origin.PALERMO:
        check.error(
            "code",
            _("“%(code)s” is a historical or partner record and cannot be replaced")
            % {"code": code},
        )
    if obj is not None and obj.source and model is Programme and not obj.demo:
        check.error(
            "code", _("“%(code)s” is a historical record and cannot be replaced") % {"code": code}
        )
    return obj


def _apply(obj, values: dict, report, row, importer) -> None:
    if obj.pk is None:
        importer.stamp(obj, report, row)
        report.created += 1
    else:
        report.updated += 1
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()


def _partners(names):
    return [Organisation.objects.get_or_create(name=name[:300])[0] for name in names]


@register_importer
class ProgrammeImporter(Importer):
    name = "assistance-programmes"
    label = gettext_lazy("Assistance: programmes")
    help = gettext_lazy("One row per programme; see docs/user/assistance.md.")
    permission = IMPORT_WORK
    models = (Programme,)
    required_columns = ("code", "title")
    fields = {
        "code": "Code",
        "title": "Title",
        "kind": "Kind (" + ", ".join(ProgrammeKind.values) + ")",
        "status": "Status (" + ", ".join(WorkStatus.values) + ")",
        "start": "Start (YYYY, YYYY-MM or YYYY-MM-DD)",
        "end": "End",
        "period": "Period as stated",
        "states": "Beneficiary States (alpha-3; separated by ;)",
        "regions": "Regions (names; separated by ;)",
        "priority_areas": "Priority areas (PA1..PA5)",
        "priority_activities": "Priority activities (a..h)",
        "partners": "Partners (organisation names; separated by ;)",
        "budget_usd": "Budget (USD)",
        "budget_note": "Note on the budget",
        "published": "Published (yes/no)",
        "description": "Description",
    }

    def parse(self, source, report):
        _lookups(report)
        return super().parse(source, report)

    def validate_row(self, row, report):
        check = _Checker(row, report, report.options["_lookups"])
        code = check.text("code", required=True, limit=80)
        if code:
            check.unique(code)
        start, end, precision = _work_dates(check)
        values = {
            "code": code,
            "title": check.text("title", required=True, limit=400),
            "kind": check.choice("kind", ProgrammeKind, ProgrammeKind.THEMATIC),
            "status": check.choice("status", WorkStatus, WorkStatus.PLANNED),
            "start": start,
            "end": end,
            "date_precision": precision,
            "period": check.text("period", limit=40),
            "regions": _list(row.values.get("regions")),
            "budget_usd": check.decimal("budget_usd"),
            "budget_note": check.text("budget_note", limit=300),
            "published": check.boolean("published", False),
            "description": check.text("description"),
        }
        links = {
            "beneficiaries": check.states(),
            "priority_areas": check.codes("priority_areas", "areas", _("priority area")),
            "priority_activities": check.codes(
                "priority_activities", "pacts", _("priority activity"), casefold=str.lower
            ),
        }
        partners = _list(row.values.get("partners"))
        obj = _existing(Programme, code, check) if code else None
        check.model(Programme(**values), exclude=("code",))
        if not check.ok:
            return None
        return row.number, obj, values, links, partners

    def write_batch(self, items, report, *, acting_user):
        for number, obj, values, links, partners in items:
            obj = obj or Programme()
            _apply(obj, values, report, number, self)
            for name, objects in links.items():
                getattr(obj, name).set(objects)
            obj.partners.set(_partners(partners))


@register_importer
class ActivityImporter(Importer):
    name = "assistance-activities"
    label = gettext_lazy("Assistance: activities")
    help = gettext_lazy("One row per activity; see docs/user/assistance.md.")
    permission = IMPORT_WORK
    models = (Activity,)
    required_columns = ("code", "title", "type")
    fields = {
        "code": "Code",
        "title": "Title",
        "type": "Type of assistance (code or name)",
        "programme": "Programme (code)",
        "project": "Project (code)",
        "status": "Status (" + ", ".join(WorkStatus.values) + ")",
        "start": "Start (YYYY, YYYY-MM or YYYY-MM-DD)",
        "end": "End",
        "place": "Place",
        "states": "Beneficiary States (alpha-3; separated by ;)",
        "regions": "Regions",
        "institutions": "Beneficiary institutions (codes)",
        "priority_areas": "Priority areas (PA1..PA5)",
        "priority_activities": "Priority activities (a..h)",
        "articles": "Articles (e.g. UNTOC 27; TIP 6)",
        "partners": "Partners (organisation names)",
        "women": "Women trained",
        "men": "Men trained",
        "other": "Others trained",
        "cost": "Cost",
        "cost_currency": "Currency of the cost (ISO 4217)",
        "published": "Published (yes/no)",
        "description": "Description",
    }

    def parse(self, source, report):
        _lookups(report)
        return super().parse(source, report)

    def validate_row(self, row, report):
        check = _Checker(row, report, report.options["_lookups"])
        code = check.text("code", required=True, limit=80)
        if code:
            check.unique(code)
        type_ = None
        if check.text("type", required=True):
            type_ = check.codes(
                "type", "types", _("type of assistance"), single=True, casefold=str.casefold
            )
        start, end, precision = _work_dates(check)
        programme = check.codes("programme", "programmes", _("programme"), single=True)
        project = check.codes("project", "projects", _("project"), single=True)
        if project is not None and programme is None:
            programme = project.programme
        cost = check.decimal("cost")
        values = {
            "code": code,
            "title": check.text("title", required=True, limit=400),
            "type": type_,
            "programme": programme,
            "project": project,
            "status": check.choice("status", WorkStatus, WorkStatus.PLANNED),
            "start": start,
            "end": end,
            "date_precision": precision,
            "place": check.text("place", limit=200),
            "regions": _list(row.values.get("regions")),
            "cost": cost,
            "cost_currency": check.currency("cost_currency", required=cost is not None),
            "published": check.boolean("published", False),
            "description": check.text("description"),
            "origin": Origin.PALERMO,
        }
        institutions = check.codes(
            "institutions", "institutions", _("institution type"), casefold=str.lower
        )
        links = {
            "beneficiaries": check.states(),
            "institutions": institutions,
            "priority_areas": check.codes("priority_areas", "areas", _("priority area")),
            "priority_activities": check.codes(
                "priority_activities", "pacts", _("priority activity"), casefold=str.lower
            ),
            "articles": check.articles(),
        }
        people = {name: check.count(name) for name in ("women", "men", "other")}
        partners = _list(row.values.get("partners"))
        obj = _existing(Activity, code, check) if code else None
        check.model(Activity(**values), exclude=("code",))
        if not check.ok:
            return None
        return row.number, obj, values, links, partners, people

    def write_batch(self, items, report, *, acting_user):
        for number, obj, values, links, partners, people in items:
            obj = obj or Activity()
            _apply(obj, values, report, number, self)
            for name, objects in links.items():
                getattr(obj, name).set(objects)
            obj.partners.set(_partners(partners))
            obj.participations.all().delete()
            if any(people.values()):
                institutions = links["institutions"]
                Participation.objects.create(
                    activity=obj,
                    institution=institutions[0] if len(institutions) == 1 else None,
                    **people,
                )


@register_importer
class NeedImporter(Importer):
    name = "assistance-needs"
    label = gettext_lazy("Assistance: needs")
    help = gettext_lazy(
        "One row per need of a State; a State's focal point or expert imports its own State's."
    )
    permission = IMPORT_NEEDS
    models = (Need,)
    required_columns = ("state", "title")
    fields = {
        "state": "State (ISO 3166 alpha-3)",
        "title": "Title",
        "description": "Description",
        "type": "Type of assistance (code or name)",
        "priority": "Priority (" + ", ".join(Priority.values) + ")",
        "origin": "Where it was found (" + ", ".join(NeedOrigin.values) + ")",
        "origin_reference": "Found in (e.g. review cycle 2, observation 4)",
        "articles": "Articles (e.g. UNTOC 27)",
        "priority_areas": "Priority areas (PA1..PA5)",
        "wanted_by": "Wanted by (YYYY-MM-DD)",
        "estimated_cost_usd": "Estimated cost (USD)",
    }

    def parse(self, source, report):
        _lookups(report)
        return super().parse(source, report)

    def validate_row(self, row, report):
        check = _Checker(row, report, report.options["_lookups"])
        states = check.states("state", required=True)
        if len(states) > 1:
            check.error("state", _("one State per row"))
        participant = states[0] if states else None
        type_ = check.codes(
            "type", "types", _("type of assistance"), single=True, casefold=str.casefold
        )
        wanted_by, _precision = check.date("wanted_by", end=True)
        values = {
            "title": check.text("title", required=True, limit=300),
            "description": check.text("description"),
            "type": type_,
            "priority": check.choice("priority", Priority, Priority.MEDIUM),
            "origin": check.choice("origin", NeedOrigin, NeedOrigin.REQUEST),
            "origin_reference": check.text("origin_reference", limit=300),
            "wanted_by": wanted_by,
            "estimated_cost_usd": check.decimal("estimated_cost_usd"),
        }
        articles = check.articles()
        areas = check.codes("priority_areas", "areas", _("priority area"))
        if participant is not None:
            check.model(Need(participant=participant, **values))
            key = (participant.code, values["title"].casefold())
            seen = check.lookups["seen"]
            if key in seen:
                check.error(
                    "title",
                    _("the same State and title as row %(row)s") % {"row": seen[key]},
                    "duplicate",
                )
            else:
                seen[key] = row.number
        if not check.ok:
            return None
        return row.number, participant, values, articles, areas

    def write_batch(self, items, report, *, acting_user):
        policy = policy_for(Need)
        for number, participant, _values, _articles, _areas in items:
            if not policy.allows(acting_user, "add", Need(participant=participant)):
                report.error(
                    number,
                    "state",
                    _("you may not record needs of %(state)s") % {"state": participant.code},
                    "forbidden",
                )
        if report.error_total:
            return
        for number, participant, values, articles, areas in items:
            need = services.record_need(
                acting_user=acting_user,
                participant=participant,
                articles=articles,
                priority_areas=areas,
                note=_("Imported from %(file)s, row %(row)s")
                % {"file": report.file, "row": number},
                **values,
            )
            self.stamp(need, report, number)
            need.save(update_fields=["import_run", "source_row"])
            report.created += 1
