"""IATI 2.03: export programmes and activities as an ``iati-activities`` file, import partners'.

**Export** (``export_xml``) writes what the user may see: each programme as a parent activity
(``hierarchy="1"``) and each of our activities (origin "recorded here" or "historical"; never a
partner's) as a child (``hierarchy="2"``) linked both ways by ``related-activity``. The file
validates against the 2.03 schema in ``shared/data/iati`` before it is written.

- ``iati-identifier``: the record's own ``iati_identifier``, or the reporting organisation's
  identifier (``ASSISTANCE_IATI_ORG_REF``, default ``XM-PALERMO``) + ``-`` + the record's code.
- ``participating-org``: donors (the donors of the programme's or activity's projects) as
  funding (role 1); partners and ourselves as implementing (role 4).
- ``activity-status`` (IATI ActivityStatus codelist): proposed and planned → 1 Pipeline,
  ongoing → 2 Implementation, completed → 4 Closed, cancelled → 5 Cancelled; "not stated" is
  read from the dates (ended → 4, started → 2, otherwise 1).
- ``activity-date``: start and end, "actual" (types 2 and 4) once the work has started or ended
  and the date is not in the future, "planned" (types 1 and 3) otherwise. A record without any
  date cannot be written (the schema requires one) and is counted under ``skipped``.
- ``recipient-country`` (ISO 3166-1 alpha-2, from the beneficiary States' alpha-3 codes, shares
  split evenly) or, where no State is named, ``recipient-region``: UN M49 (vocabulary 2) when the
  region's name is an M49 region, the reporting organisation's own vocabulary (99) otherwise.
- ``sector``: DAC 5-digit code **15130 Legal and judicial development** (which covers law
  enforcement, police, prosecution, legal drafting and the justice sector), 100 %.
- ``budget`` (one per budget line of the programme's projects, or of the activity's project when
  it has no programme), ``transaction``: expenditure as type 4 (Expenditure), fundings as type 1
  (Incoming Funds, from the donor). Amounts keep their own currency. A line dated by year covers
  1 January to 31 December; by month, that month; the value date is the period's first day.
  Ledger lines are written only for a user who may see them (their own policies).

**Import** (``import_file``) is for the Secretariat only. The file is validated against the
schema first (errors name their line); then every activity is read, and if any cannot be
recorded nothing is written. Activities are matched by ``iati-identifier`` to earlier imports
and created or updated as partner activities (published), the reporting organisation found by
its IATI identifier or name (created if new), the beneficiary States from ``recipient-country``.
"""

from __future__ import annotations

import hashlib
import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from lxml import etree

from palermo.core.models import Participant, Region
from palermo.platform import actors
from palermo.platform.audit import audited
from palermo.platform.choices import ImportStatus
from palermo.platform.models import ImportRun
from palermo.platform.policies import policy_for

from .choices import OrganisationKind, Origin, WorkStatus
from .models import Activity, Budget, Expenditure, Funding, Organisation, Programme, Project

VERSION = "2.03"
SECTOR_CODE = "15130"  # DAC 5: Legal and judicial development
SECTOR_NAME = "Legal and judicial development"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _find_schema() -> Path:
    """``ASSISTANCE_IATI_SCHEMA`` if set, else the 2.03 schema shipped with the module
    (``data/iati/``, with the two files it includes; see its README)."""
    configured = getattr(settings, "ASSISTANCE_IATI_SCHEMA", "")
    path = (
        Path(configured)
        if configured
        else Path(__file__).resolve().parent / "data" / "iati" / "iati-activities-schema.xsd"
    )
    if not path.is_file():
        raise FileNotFoundError(_("The IATI schema was not found at %(p)s.") % {"p": path})
    return path


_SCHEMA = None


def schema() -> etree.XMLSchema:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = etree.XMLSchema(etree.parse(str(_find_schema())))
    return _SCHEMA


def org_ref() -> str:
    return getattr(settings, "ASSISTANCE_IATI_ORG_REF", "XM-PALERMO")


def org_name() -> str:
    return getattr(
        settings, "ASSISTANCE_IATI_ORG_NAME", "Secretariat of the Palermo technical assistance"
    )


#: Our reporting organisation's IATI OrganisationType (40: Multilateral).
ORG_TYPE = "40"

_KIND_TO_TYPE = {
    OrganisationKind.GOVERNMENT: "10",
    OrganisationKind.MULTILATERAL: "40",
    OrganisationKind.REGIONAL: "40",
    OrganisationKind.UN: "40",
    OrganisationKind.NGO: "21",
    OrganisationKind.FOUNDATION: "60",
    OrganisationKind.PRIVATE: "70",
    OrganisationKind.ACADEMIC: "80",
    OrganisationKind.OTHER: "90",
}


def _type_to_kind(code: str) -> str:
    code = (code or "").strip()
    if code in {"10", "11", "15"}:
        return OrganisationKind.GOVERNMENT
    if code in {"21", "22", "23", "24"}:
        return OrganisationKind.NGO
    if code == "40":
        return OrganisationKind.MULTILATERAL
    if code == "60":
        return OrganisationKind.FOUNDATION
    if code in {"70", "71", "72", "73"}:
        return OrganisationKind.PRIVATE
    if code == "80":
        return OrganisationKind.ACADEMIC
    return OrganisationKind.OTHER


#: ActivityStatus codelist: 1 Pipeline/identification, 2 Implementation, 3 Finalisation,
#: 4 Closed, 5 Cancelled, 6 Suspended.
STATUS_TO_IATI = {
    WorkStatus.PROPOSED: "1",
    WorkStatus.PLANNED: "1",
    WorkStatus.ONGOING: "2",
    WorkStatus.COMPLETED: "4",
    WorkStatus.CANCELLED: "5",
}
IATI_TO_STATUS = {
    "1": WorkStatus.PLANNED,
    "2": WorkStatus.ONGOING,
    "3": WorkStatus.COMPLETED,
    "4": WorkStatus.COMPLETED,
    "5": WorkStatus.CANCELLED,
    "6": WorkStatus.UNKNOWN,
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value) -> str:
    """Text XML can carry (lxml escapes the rest)."""
    return _CONTROL.sub("", str(value or ""))


# ---------------------------------------------------------------------------------------------
# Export


def identifier(record) -> str:
    return record.iati_identifier or f"{org_ref()}-{record.code}"


def _status(record, today: date) -> str:
    if record.status in STATUS_TO_IATI:
        return STATUS_TO_IATI[record.status]
    if record.end and record.end <= today:
        return "4"
    if record.start and record.start <= today:
        return "2"
    return "1"


def _dates(record, today: date) -> list[tuple[str, date]]:
    started = record.status in (WorkStatus.ONGOING, WorkStatus.COMPLETED) or (
        record.status == WorkStatus.UNKNOWN and record.start and record.start <= today
    )
    ended = record.status == WorkStatus.COMPLETED or (
        record.status == WorkStatus.UNKNOWN and record.end and record.end <= today
    )
    out = []
    if record.start:
        out.append(("2" if started and record.start <= today else "1", record.start))
    if record.end:
        out.append(("4" if ended and record.end <= today else "3", record.end))
    return out


def _period(line) -> tuple[date, date]:
    if line.month:
        return date(line.year, line.month, 1), date(
            line.year, line.month, monthrange(line.year, line.month)[1]
        )
    return date(line.year, 1, 1), date(line.year, 12, 31)


def _amount(value: Decimal) -> str:
    return format(Decimal(value).quantize(Decimal("0.01")), "f")


def _sub(parent, tag, text=None, **attrs):
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _narrative(parent, tag, text, **attrs):
    element = _sub(parent, tag, **attrs)
    _sub(element, "narrative", text)
    return element


def _org(parent, tag, organisation=None, **attrs):
    if organisation is None:
        return _narrative(parent, tag, org_name(), ref=org_ref(), type=ORG_TYPE, **attrs)
    if organisation.iati_ref:
        attrs["ref"] = organisation.iati_ref
    attrs["type"] = _KIND_TO_TYPE.get(organisation.kind, "90")
    return _narrative(parent, tag, organisation.name, **attrs)


def _shares(n: int) -> list[str]:
    if n <= 1:
        return ["100"]
    each = (Decimal(100) / n).quantize(Decimal("0.01"))
    shares = [each] * (n - 1)
    shares.append(Decimal(100) - sum(shares))
    return [format(s.normalize(), "f") for s in shares]


@dataclass
class _Ledger:
    budgets: list = field(default_factory=list)
    expenditures: list = field(default_factory=list)
    fundings: list = field(default_factory=list)


class _Books:
    """The ledger lines ``user`` may see, read once and grouped by project."""

    def __init__(self, user):
        self.lines = {}
        for name, queryset in (
            ("budgets", Budget.objects.restrict(user)),
            ("expenditures", Expenditure.objects.restrict(user)),
            ("fundings", Funding.objects.restrict(user).select_related("donor")),
        ):
            for line in queryset.order_by("year", "month", "pk"):
                self.lines.setdefault((name, line.project_id), []).append(line)

    def ledger(self, project_ids) -> _Ledger:
        def gather(name):
            return [line for pk in project_ids for line in self.lines.get((name, pk), [])]

        return _Ledger(gather("budgets"), gather("expenditures"), gather("fundings"))

    def donors(self, project_ids) -> list:
        """The donors of those projects (through the fundings the user may see)."""
        found = {}
        for pk in project_ids:
            for line in self.lines.get(("fundings", pk), []):
                found.setdefault(line.donor_id, line.donor)
        return sorted(found.values(), key=lambda org: org.name)


def _regions_by_name() -> dict[str, str]:
    return {r.name.casefold(): r.code for r in Region.objects.all()}


def _activity_element(
    root, record, *, today, hierarchy, donors, partners, countries, regions, ledger, related, m49
):
    el = _sub(root, "iati-activity", hierarchy=hierarchy)
    el.set(XML_LANG, "en")
    if record.updated:
        el.set("last-updated-datetime", record.updated.replace(microsecond=0).isoformat())
    _sub(el, "iati-identifier", identifier(record))
    _org(el, "reporting-org")
    _narrative(el, "title", record.title)
    _narrative(el, "description", record.description or record.title, type="1")
    for donor in donors:
        _org(el, "participating-org", donor, role="1")
    for partner in partners:
        _org(el, "participating-org", partner, role="4")
    _org(el, "participating-org", role="4")
    _sub(el, "activity-status", code=_status(record, today))
    for kind, when in _dates(record, today):
        _sub(el, "activity-date", type=kind, iso_date=when.isoformat())
    alpha2 = []
    for participant in countries:
        country = pycountry.countries.get(alpha_3=participant.code)
        if country:
            alpha2.append(country.alpha_2)
    if alpha2:
        for code, share in zip(alpha2, _shares(len(alpha2)), strict=True):
            _sub(el, "recipient-country", code=code, percentage=share)
    elif regions:
        for name, share in zip(regions, _shares(len(regions)), strict=True):
            code = m49.get(str(name).casefold())
            if code:
                region = _sub(el, "recipient-region", code=code, vocabulary="2", percentage=share)
            else:
                region = _sub(
                    el,
                    "recipient-region",
                    code=slugify(str(name))[:60] or "region",
                    vocabulary="99",
                    percentage=share,
                )
            _sub(region, "narrative", name)
    _narrative(el, "sector", SECTOR_NAME, vocabulary="1", code=SECTOR_CODE, percentage="100")
    for line in ledger.budgets:
        start, end = _period(line)
        budget = _sub(el, "budget", type="1", status="2" if line.year <= today.year else "1")
        _sub(budget, "period-start", iso_date=start.isoformat())
        _sub(budget, "period-end", iso_date=end.isoformat())
        _sub(
            budget,
            "value",
            _amount(line.amount),
            currency=line.currency,
            value_date=start.isoformat(),
        )
    for line in ledger.fundings:
        start, _end = _period(line)
        tx = _sub(el, "transaction")
        _sub(tx, "transaction-type", code="1")
        _sub(tx, "transaction-date", iso_date=start.isoformat())
        _sub(
            tx, "value", _amount(line.amount), currency=line.currency, value_date=start.isoformat()
        )
        _narrative(tx, "description", _("Funding from %(donor)s") % {"donor": line.donor.name})
        _org(tx, "provider-org", line.donor)
        _org(tx, "receiver-org")
    for line in ledger.expenditures:
        start, _end = _period(line)
        tx = _sub(el, "transaction")
        _sub(tx, "transaction-type", code="4")
        _sub(tx, "transaction-date", iso_date=start.isoformat())
        _sub(
            tx, "value", _amount(line.amount), currency=line.currency, value_date=start.isoformat()
        )
        if line.description:
            _narrative(tx, "description", line.description)
        _org(tx, "provider-org")
    for kind, ref in related:
        _sub(el, "related-activity", ref=ref, type=kind)
    return el


def build(user, *, today: date | None = None) -> tuple[etree._ElementTree, dict]:
    """The IATI document of what ``user`` may see, and its counts (not yet validated)."""
    today = today or timezone.localdate()
    m49 = _regions_by_name()
    programmes = list(
        Programme.objects.restrict(user)
        .prefetch_related("beneficiaries", "partners")
        .order_by("code")
    )
    visible_ids = {p.pk for p in programmes}
    activities = list(
        Activity.objects.restrict(user)
        .exclude(origin=Origin.PARTNER)
        .select_related("programme", "project", "project__programme")
        .prefetch_related("beneficiaries", "partners")
        .order_by("code")
    )

    def parent_of(activity):
        programme = activity.programme or (activity.project and activity.project.programme)
        return programme if programme and programme.pk in exported_programmes else None

    exported_programmes = {p.pk for p in programmes if p.start or p.end}
    children: dict[int, list] = {}
    for activity in activities:
        parent = parent_of(activity)
        if parent and (activity.start or activity.end):
            children.setdefault(parent.pk, []).append(identifier(activity))

    projects_by_programme: dict[int, list[int]] = {}
    for programme_id, project_id in Project.objects.filter(programme__in=visible_ids).values_list(
        "programme_id", "pk"
    ):
        projects_by_programme.setdefault(programme_id, []).append(project_id)

    root = etree.Element(
        "iati-activities",
        version=VERSION,
        **{"generated-datetime": timezone.now().replace(microsecond=0).isoformat()},
    )
    counts = {"programmes": 0, "activities": 0, "budgets": 0, "transactions": 0, "skipped": []}

    books = _Books(user)
    reported: set[int] = set()

    for programme in programmes:
        if programme.pk not in exported_programmes:
            counts["skipped"].append(
                _("Programme %(code)s has no dates (IATI requires one).") % {"code": programme.code}
            )
            continue
        project_ids = projects_by_programme.get(programme.pk, [])
        ledger = books.ledger(project_ids)
        _activity_element(
            root,
            programme,
            today=today,
            hierarchy="1",
            donors=books.donors(project_ids),
            partners=list(programme.partners.all()),
            countries=list(programme.beneficiaries.all()),
            regions=programme.regions or [],
            ledger=ledger,
            related=[("2", ref) for ref in children.get(programme.pk, [])],
            m49=m49,
        )
        counts["programmes"] += 1
        counts["budgets"] += len(ledger.budgets)
        counts["transactions"] += len(ledger.fundings) + len(ledger.expenditures)

    for activity in activities:
        if not (activity.start or activity.end):
            counts["skipped"].append(
                _("Activity %(code)s has no dates (IATI requires one).") % {"code": activity.code}
            )
            continue
        parent = parent_of(activity)
        # The ledger of a project with a programme is the programme's; a project without one
        # reports through its first activity (by code), so that no line is counted twice.
        project_ids = []
        if activity.project_id and not parent and activity.project_id not in reported:
            project_ids = [activity.project_id]
            reported.add(activity.project_id)
        donors = books.donors([activity.project_id] if activity.project_id else [])
        ledger = books.ledger(project_ids)
        related = [("1", identifier(parent))] if parent else []
        _activity_element(
            root,
            activity,
            today=today,
            hierarchy="2",
            donors=donors,
            partners=list(activity.partners.all()),
            countries=list(activity.beneficiaries.all()),
            regions=activity.regions or [],
            ledger=ledger,
            related=related,
            m49=m49,
        )
        counts["activities"] += 1
        counts["budgets"] += len(ledger.budgets)
        counts["transactions"] += len(ledger.fundings) + len(ledger.expenditures)
    return etree.ElementTree(root), counts


class IatiError(ValueError):
    """A file that is not valid IATI, or cannot be recorded: ``errors`` lists (line, message)."""

    def __init__(self, message: str, errors: list[tuple[int | None, str]] = ()):
        self.errors = list(errors)
        details = "; ".join(
            (_("line %(n)s: %(m)s") % {"n": line, "m": text}) if line else text
            for line, text in self.errors[:20]
        )
        if len(self.errors) > 20:
            details += " " + _("(and %(n)s more)") % {"n": len(self.errors) - 20}
        super().__init__(f"{message} {details}".strip())


def validate(tree) -> list[tuple[int | None, str]]:
    """Schema errors of ``tree`` as (line, message); empty when it is valid IATI."""
    xsd = schema()
    if xsd.validate(tree):
        return []
    return [(e.line, e.message) for e in xsd.error_log]


def export_xml(user, path) -> dict:
    """Write the IATI 2.03 file of what ``user`` may see to ``path``; returns the counts
    (``programmes``, ``activities``, ``budgets``, ``transactions``, ``skipped`` reasons)."""
    tree, counts = build(user)
    errors = validate(tree)
    if errors:  # a bug here, not the user's: never write an invalid file
        raise IatiError(_("The export does not validate against the IATI schema:"), errors)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8", pretty_print=True)
    counts["path"] = str(path)
    return counts


# ---------------------------------------------------------------------------------------------
# Import


def _pick(parent, tag) -> str:
    """The text of ``tag``'s narrative, English first."""
    if parent is None:
        return ""
    element = parent.find(tag) if tag else parent
    if element is None:
        return ""
    narratives = element.findall("narrative")
    for narrative in narratives:
        lang = narrative.get(XML_LANG) or element.get(XML_LANG) or ""
        if lang.lower().startswith("en") and (narrative.text or "").strip():
            return narrative.text.strip()
    for narrative in narratives:
        if (narrative.text or "").strip():
            return narrative.text.strip()
    return ""


def _iso(value: str) -> date:
    return date.fromisoformat(value.strip()[:10])


@dataclass
class _Parsed:
    line: int
    identifier: str
    org_ref: str
    org_name: str
    org_type: str
    title: str
    description: str
    status: str
    start: date | None
    end: date | None
    countries: list
    regions: list
    cost: Decimal | None
    cost_currency: str


def _parse_activity(el, m49_names, errors) -> _Parsed | None:
    line = el.sourceline
    ident = (el.findtext("iati-identifier") or "").strip()
    if not ident:
        errors.append((line, _("The activity has no iati-identifier.")))
        return None
    reporting = el.find("reporting-org")
    ref = (reporting.get("ref") or "").strip()
    reporting_name = _pick(reporting, None) or ref
    title = _pick(el, "title")
    if not title:
        errors.append((line, _("Activity %(id)s has no title.") % {"id": ident}))
        return None
    if len(title) > 400:
        title = title[:399] + "…"
    descriptions = el.findall("description")
    general = [d for d in descriptions if d.get("type", "1") == "1"] or descriptions
    description = _pick(general[0], None) if general else ""
    if description == title:
        description = ""
    status_el = el.find("activity-status")
    status = IATI_TO_STATUS.get((status_el.get("code") or "").strip(), WorkStatus.UNKNOWN)
    by_type = {}
    for date_el in el.findall("activity-date"):
        try:
            by_type[(date_el.get("type") or "").strip()] = _iso(date_el.get("iso-date"))
        except ValueError:
            errors.append(
                (date_el.sourceline, _("“%(v)s” is not a date.") % {"v": date_el.get("iso-date")})
            )
    start = by_type.get("2") or by_type.get("1")
    end = by_type.get("4") or by_type.get("3")
    if start and end and end < start:
        errors.append((line, _("Activity %(id)s ends before it starts.") % {"id": ident}))
    countries, regions = [], []
    for country_el in el.findall("recipient-country"):
        code = (country_el.get("code") or "").strip().upper()
        country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
        countries.append(country.alpha_3 if country else code)
    for region_el in el.findall("recipient-region"):
        name = _pick(region_el, None)
        vocabulary = (region_el.get("vocabulary") or "1").strip()
        if not name and vocabulary == "2":
            name = m49_names.get((region_el.get("code") or "").strip().zfill(3), "")
        if name and name not in regions:
            regions.append(name)
    totals: dict[str, Decimal] = {}
    default_currency = (el.get("default-currency") or "").strip()
    for value_el in el.findall("budget/value"):
        try:
            amount = Decimal((value_el.text or "").strip())
        except InvalidOperation:
            errors.append(
                (value_el.sourceline, _("“%(v)s” is not an amount.") % {"v": value_el.text})
            )
            continue
        currency = (value_el.get("currency") or default_currency).strip().upper()
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    cost, cost_currency = None, ""
    if len(totals) == 1 and all(totals):
        cost_currency, cost = next(iter(totals.items()))
    return _Parsed(
        line=line,
        identifier=ident,
        org_ref=ref,
        org_name=reporting_name,
        org_type=reporting.get("type") or "",
        title=title,
        description=description,
        status=status,
        start=start,
        end=end,
        countries=countries,
        regions=regions,
        cost=cost,
        cost_currency=cost_currency,
    )


def parse(path) -> tuple[list[_Parsed], list[str]]:
    """Read and validate ``path``: the activities it describes and warnings, or IatiError."""
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise IatiError(_("The file is not well-formed XML:"), [(exc.lineno, exc.msg)]) from exc
    except OSError as exc:
        raise IatiError(_("The file cannot be read: %(e)s") % {"e": exc}) from exc
    if tree.getroot().tag != "iati-activities":
        raise IatiError(
            _("This is not an IATI activities file (its root element is <%(tag)s>).")
            % {"tag": tree.getroot().tag}
        )
    errors = validate(tree)
    if errors:
        raise IatiError(_("The file does not validate against the IATI 2.03 schema:"), errors)
    m49_names = {r.code: r.name for r in Region.objects.all()}
    parsed, errors, warnings, seen = [], [], [], {}
    for el in tree.getroot().findall("iati-activity"):
        item = _parse_activity(el, m49_names, errors)
        if item is None:
            continue
        if item.identifier in seen:
            errors.append(
                (
                    item.line,
                    _("The identifier %(id)s is also used at line %(n)s.")
                    % {"id": item.identifier, "n": seen[item.identifier]},
                )
            )
            continue
        seen[item.identifier] = item.line
        parsed.append(item)
    if errors:
        raise IatiError(_("Nothing was imported:"), errors)
    return parsed, warnings


def _organisation(item: _Parsed, cache: dict) -> Organisation:
    key = (item.org_ref, item.org_name)
    if key in cache:
        return cache[key]
    org = None
    if item.org_ref:
        org = Organisation.objects.filter(iati_ref=item.org_ref).order_by("pk").first()
    if org is None and item.org_name:
        org = Organisation.objects.filter(name__iexact=item.org_name).first()
        if org is not None and item.org_ref and not org.iati_ref:
            org.iati_ref = item.org_ref
            org.save(update_fields=["iati_ref", "updated"])
    if org is None:
        org = Organisation.objects.create(
            name=(item.org_name or item.org_ref)[:300],
            iati_ref=item.org_ref,
            kind=_type_to_kind(item.org_type),
        )
    cache[key] = org
    return org


def _new_code(ident: str, taken: set) -> str:
    base = (slugify(f"iati-{ident}") or "iati-activity")[:72]
    code, n = base, 1
    while code in taken or Activity.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    taken.add(code)
    return code


def _run(path, acting_user, rows: int) -> ImportRun:
    """The platform's record of this import (who, which file), that the activities point to."""
    data = Path(path).read_bytes()
    owner = (
        acting_user
        if getattr(acting_user, "pk", None) and not actors.is_system(acting_user)
        else None
    )
    return ImportRun.objects.create(
        importer="assistance.iati",
        owner=owner,
        file_name=Path(path).name[:255],
        file_size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        status=ImportStatus.RUNNING,
        rows=rows,
    )


def import_file(path, acting_user) -> dict:
    """Record a partner's IATI activities file as partner activities (Secretariat only).

    Returns ``created``, ``updated``, ``activities``, ``organisations`` (the reporting
    organisations' names) and ``warnings``; raises ``IatiError`` (nothing written) when the
    file is not valid or an activity cannot be recorded, ``PermissionDenied`` for anyone but
    the Secretariat."""
    policy_for(Activity).require(acting_user, "add", Activity(origin=Origin.PARTNER))
    parsed, warnings = parse(path)
    participants = {p.code: p for p in Participant.objects.all()}
    source = _("IATI file %(name)s") % {"name": Path(path).name}
    created = updated = 0
    organisations, cache, taken, errors = [], {}, set(), []
    with transaction.atomic(), audited(acting_user):
        run = _run(path, acting_user, len(parsed))
        for item in parsed:
            org = _organisation(item, cache)
            if org.name not in organisations:
                organisations.append(org.name)
            activity = (
                Activity.objects.filter(origin=Origin.PARTNER, iati_identifier=item.identifier)
                .order_by("pk")
                .first()
            )
            is_new = activity is None
            if is_new:
                activity = Activity(
                    origin=Origin.PARTNER,
                    iati_identifier=item.identifier,
                    code=_new_code(item.identifier, taken),
                )
            activity.reporting_organisation = org
            activity.title = item.title
            activity.description = item.description
            activity.status = item.status
            activity.start, activity.end = item.start, item.end
            activity.regions = item.regions
            activity.cost, activity.cost_currency = item.cost, item.cost_currency
            activity.published = True
            activity.source = source[:300]
            activity.source_row = item.line
            activity.import_run = run
            try:
                activity.full_clean()
            except ValidationError as exc:
                errors.append(
                    (
                        item.line,
                        "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()),
                    )
                )
                continue
            activity.save()
            states = []
            for code in item.countries:
                if code in participants:
                    states.append(participants[code])
                else:
                    warnings.append(
                        _(
                            "line %(n)s: %(code)s is not a participant; not recorded as a beneficiary."
                        )
                        % {"n": item.line, "code": code}
                    )
            activity.beneficiaries.set(states)
            created += is_new
            updated += not is_new
        if errors:  # raised inside the transaction: it rolls back
            raise IatiError(_("Nothing was imported:"), errors)
        run.created_count, run.updated_count = created, updated
        run.status, run.finished = ImportStatus.APPLIED, timezone.now()
        run.report = {"warnings": warnings[:200], "organisations": organisations}
        run.save()
    return {
        "activities": created + updated,
        "created": created,
        "updated": updated,
        "organisations": organisations,
        "warnings": warnings,
        "import_run": str(run.pk),
    }


__all__ = ["IatiError", "build", "export_xml", "import_file", "parse", "validate"]
