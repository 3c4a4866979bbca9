"""The Library record format: a record to its JSON object, and a JSON object back to records.

One format serves the bulk export, imports, the API, the demo and reference data and each
``PublishedVersion.data`` (docs/user/library.md, "The record format"). ``serialize_record``
writes every key of the record's kind, empty ones included, so a CSV of records has stable
columns. ``parse_record`` reads an object into unsaved model instances and their parts and
reports every problem with the key it concerns (``provisions[2].articles[0]``), checked by the
models' own rules (``full_clean``); nothing here touches the database except look-ups of
States, vocabulary terms and treaty articles.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from palermo.core.models import Participant
from palermo.treaties.models import Article

from .choices import PartyKind, RecordKind, RecordStatus
from .models import (
    RECORD_MODELS,
    Case,
    CaseAttachment,
    CaseParty,
    CaseSummary,
    Charge,
    Cooperation,
    CrimeType,
    CrossCuttingIssue,
    Proceeding,
    Provision,
)

INSTRUMENTS = ("UNTOC", "TIP", "SOM", "FIREARMS")

COMMON = ("kind", "state", "number", "status", "version", "url", "published_at")
PROVENANCE = ("source_url", "licence", "is_demo")
#: Keys written on export only; accepted and ignored on import, so an export imports again.
EXPORT_ONLY = ("version", "url", "published_at")

#: The record's own fields, by kind, in the format's order.
SCALARS = {
    RecordKind.LEGISLATION: (
        "title",
        "title_en",
        "language",
        "law_type",
        "adopted",
        "in_force",
        "amendments",
        "official_url",
        "full_text",
    ),
    RecordKind.CASE: (
        "title",
        "court",
        "court_level",
        "legal_system",
        "language",
        "opened",
        "decided",
        "commentary",
        "lessons_learned",
        "sources",
        "keywords",
    ),
    RecordKind.BIBLIOGRAPHY: (
        "title",
        "authors",
        "year",
        "publication_type",
        "language",
        "publisher",
        "abstract",
        "url",
    ),
    RecordKind.STRATEGY: (
        "title",
        "title_en",
        "language",
        "adopted",
        "period_start",
        "period_end",
        "summary",
        "url",
    ),
}
#: Tags of the record itself (vocabulary codes; ``states``: State codes).
TAGS = {
    RecordKind.LEGISLATION: (),
    RecordKind.CASE: ("crime_types", "issues"),
    RecordKind.BIBLIOGRAPHY: ("states", "crime_types", "issues"),
    RecordKind.STRATEGY: ("crime_types", "issues"),
}
#: Nested parts, by kind.
PARTS = {
    RecordKind.LEGISLATION: ("provisions",),
    RecordKind.CASE: (
        "summaries",
        "proceedings",
        "parties",
        "charges",
        "cooperation",
        "attachments",
    ),
    RecordKind.BIBLIOGRAPHY: (),
    RecordKind.STRATEGY: (),
}


def keys_of(kind: str) -> tuple[str, ...]:
    """Every key of a record of ``kind``, in the order the export writes them."""
    return (*COMMON, *SCALARS[kind], *TAGS[kind], *PARTS[kind], *PROVENANCE)


def kind_of(record) -> str:
    return type(record).KIND


# Article references ---------------------------------------------------------------------

_REFERENCE = re.compile(
    r"^\s*([A-Za-z]+)\s+(\d+[a-z]*(?:\s?(?:bis|ter|quater))?)\s*((?:\([^()\s]+\))*)\s*$"
)


def article_reference(instrument: str, number: str, paragraph: str = "") -> str:
    """``"UNTOC 5(1)(a)"`` from ``("UNTOC", "5", "1(a)")``: the paragraph's first part is
    bracketed like the rest."""
    if not paragraph:
        return f"{instrument} {number}"
    head, bracket, rest = paragraph.partition("(")
    if not head:
        return f"{instrument} {number}{paragraph}"
    return f"{instrument} {number}({head}){bracket}{rest}"


def parse_reference(text: str) -> tuple[str, str, str]:
    """``"UNTOC 5(1)(a)"`` → ``("UNTOC", "5", "1(a)")``; ``ValueError`` with a sentence."""
    match = _REFERENCE.match(str(text or ""))
    if not match:
        raise ValueError(
            _(
                "“%(ref)s” is not an article reference: write the instrument code, the "
                "article number and optionally the paragraph, e.g. “UNTOC 5(1)(a)” or “TIP 3”"
            )
            % {"ref": text}
        )
    code, number, brackets = match.group(1).upper(), match.group(2), match.group(3)
    if code not in INSTRUMENTS:
        raise ValueError(
            _("“%(code)s” is not an instrument code; use one of %(codes)s")
            % {"code": match.group(1), "codes": ", ".join(INSTRUMENTS)}
        )
    paragraph = ""
    if brackets:
        parts = re.findall(r"\(([^()]+)\)", brackets)
        paragraph = parts[0] + "".join(f"({p})" for p in parts[1:])
    return code, number, paragraph


def article_facet(tag) -> str:
    """The search facet value of an article tag: ``"UNTOC-6"`` (paragraphs count for the
    article)."""
    return f"{tag.article.instrument.code}-{tag.article.number}"


# Writing --------------------------------------------------------------------------------


def _value(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return getattr(value, "code", None) or str(value)
    return value


def _codes(manager) -> list[str]:
    return [term.code for term in manager.all()]


def serialize_provision(provision: Provision) -> dict:
    return {
        "number": provision.number,
        "heading": provision.heading,
        "text": provision.text,
        "text_en": provision.text_en,
        "articles": [
            article_reference(t.article.instrument.code, t.article.number, t.paragraph)
            for t in provision.tags.all()
        ],
        "crime_types": _codes(provision.crime_types),
        "issues": _codes(provision.issues),
    }


def _case_parts(case: Case) -> dict:
    defendants = [p for p in case.parties.all() if p.kind == PartyKind.DEFENDANT]
    return {
        "summaries": {s.language: s.text for s in case.summaries.all()},
        "proceedings": [
            {
                "court": p.court,
                "level": p.level,
                "docket": p.docket,
                "date": _value(p.date),
                "outcome": p.outcome,
            }
            for p in case.proceedings.all()
        ],
        "parties": [
            {
                "kind": p.kind,
                "initials": p.initials,
                "sex": p.sex,
                "age_band": p.age_band,
                "nationality": p.nationality.code if p.nationality_id else None,
                "role": p.role,
            }
            for p in case.parties.all()
        ],
        "charges": [
            {
                "defendant": next((d.initials for d in defendants if d.pk == c.defendant_id), None),
                "offence": c.offence,
                "provisions": [
                    {
                        "law": f"{p.law.participant.code}/{p.law.number}",
                        "provision": p.number,
                    }
                    for p in c.provisions.all()
                ],
                "cited": c.cited,
                "verdict": c.verdict,
                "sentence": c.sentence,
            }
            for c in case.charges.all()
        ],
        "cooperation": [
            {
                "kind": c.kind,
                "partner": c.partner.code if c.partner_id else None,
                "convention_legal_basis": c.convention_legal_basis,
                "description": c.description,
            }
            for c in case.cooperation.all()
        ],
        "attachments": [
            {
                "title": a.title,
                "url": a.url
                or (f"{case.get_absolute_url()}attachments/{a.pk}/file/" if a.file else ""),
            }
            for a in case.attachments.all()
        ],
    }


def serialize_record(record) -> dict:
    """The record in the Library format, every key of its kind present (see the module)."""
    kind = kind_of(record)
    data = {
        "kind": kind,
        "state": record.participant.code,
        "number": record.number,
        "status": record.status,
        "version": record.version,
        "url": record.get_absolute_url(),
        "published_at": _value(record.published_at),
    }
    for name in SCALARS[kind]:
        value = getattr(record, name)
        data[name] = list(value) if isinstance(value, list) else _value(value)
    for name in TAGS[kind]:
        data[name] = _codes(getattr(record, name))
    if kind == RecordKind.LEGISLATION:
        data["provisions"] = [serialize_provision(p) for p in record.provisions.all()]
    elif kind == RecordKind.CASE:
        data.update(_case_parts(record))
    data["source_url"] = record.source_url
    data["licence"] = record.licence
    data["is_demo"] = record.is_demo
    return data


def content_of(data: dict) -> dict:
    """A serialized record without what publication changes (status, version, dates): two
    records with the same content are the same record."""
    return {k: v for k, v in data.items() if k not in ("status", "version", "published_at")}


#: What ``serialize_record`` reads, for lists of records (one query per relation).
PREFETCH = {
    RecordKind.LEGISLATION: (
        "provisions__tags__article__instrument",
        "provisions__crime_types",
        "provisions__issues",
    ),
    RecordKind.CASE: (
        "crime_types",
        "issues",
        "summaries",
        "proceedings",
        "parties__nationality",
        "charges__provisions__law__participant",
        "cooperation__partner",
        "attachments",
    ),
    RecordKind.BIBLIOGRAPHY: ("states", "crime_types", "issues"),
    RecordKind.STRATEGY: ("crime_types", "issues"),
}


def for_serializing(queryset):
    """``queryset`` of one kind's records with everything ``serialize_record`` reads."""
    kind = queryset.model.KIND
    return queryset.select_related("participant").prefetch_related(*PREFETCH[kind])


# Reading --------------------------------------------------------------------------------


@dataclass
class ParsedPart:
    """A part of a record (an unsaved model instance) and its tags."""

    key: str  #: where it is in the object, e.g. ``provisions[2]``
    instance: models.Model
    m2m: dict = field(default_factory=dict)
    #: Charges: the provisions cited, as ``(state code, law number, provision number)``.
    cites: list = field(default_factory=list)
    #: Charges: the defendant's initials.
    defendant: str | None = None


@dataclass
class ParsedRecord:
    """A record read from the format: unsaved, with its tags and parts, or its errors."""

    kind: str
    instance: models.Model | None
    status: str | None  #: as given (``None``: not given)
    m2m: dict = field(default_factory=dict)
    parts: dict = field(default_factory=dict)  #: part name → list of ParsedPart
    errors: list = field(default_factory=list)  #: (key, message)
    row: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def key(self) -> tuple:
        return (self.kind, self.state_code, self.instance.number if self.instance else "")

    @property
    def state_code(self) -> str:
        return self.instance.participant.code if self.instance is not None else ""


class Lookups:
    """The States, vocabulary terms and articles a file names, each read once."""

    def __init__(self):
        self._states = None
        self._crime = None
        self._issues = None
        self._articles = None

    def states(self) -> dict:
        if self._states is None:
            self._states = {p.code: p for p in Participant.objects.all()}
        return self._states

    def crime_types(self) -> dict:
        if self._crime is None:
            self._crime = {t.code: t for t in CrimeType.objects.all()}
        return self._crime

    def issues(self) -> dict:
        if self._issues is None:
            self._issues = {t.code: t for t in CrossCuttingIssue.objects.all()}
        return self._issues

    def articles(self) -> dict:
        if self._articles is None:
            self._articles = {
                (a.instrument.code, a.number): a
                for a in Article.objects.select_related("instrument")
            }
        return self._articles


def _text(value) -> str:
    return "" if value is None else str(value)


class _Reader:
    def __init__(self, data: dict, lookups: Lookups, parsed: ParsedRecord):
        self.data, self.lookups, self.parsed = data, lookups, parsed

    def error(self, key: str, message) -> None:
        self.parsed.errors.append((key, str(message)))

    def state(self, key: str, value, *, required: bool) -> Participant | None:
        if value in (None, ""):
            if required:
                self.error(key, _("give the State's ISO 3166 alpha-3 code, e.g. “ARG”"))
            return None
        found = self.lookups.states().get(str(value).strip().upper())
        if found is None:
            self.error(key, _("no State has the code “%(code)s”") % {"code": value})
        return found

    def terms(self, key: str, value, kind: str) -> list:
        if value in (None, ""):
            return []
        if not isinstance(value, list):
            self.error(key, _("give a list of codes"))
            return []
        if kind == "states":
            known, what = self.lookups.states(), _("State")
        elif kind == "crime_types":
            known, what = self.lookups.crime_types(), _("crime type")
        else:
            known, what = self.lookups.issues(), _("cross-cutting issue")
        found = []
        for i, code in enumerate(value):
            text = _text(code).strip()
            term = known.get(text.upper() if kind == "states" else text)
            if term is None:
                self.error(
                    f"{key}[{i}]",
                    _("“%(code)s” is not a %(what)s code (see the vocabulary files)")
                    % {"code": code, "what": what},
                )
            else:
                found.append(term)
        return found

    def fields(self, instance, data: dict, names, prefix: str) -> None:
        """Set ``names`` on ``instance`` from ``data``, converting by the model field."""
        for name in names:
            if name not in data:
                continue
            value = data[name]
            model_field = instance._meta.get_field(name)
            key = f"{prefix}{name}"
            try:
                setattr(instance, name, _convert(model_field, value))
            except (ValidationError, ValueError, TypeError) as exc:
                self.error(key, _message(exc))

    def clean(self, instance, prefix: str, exclude=()) -> None:
        try:
            instance.full_clean(
                exclude=list(exclude), validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                key = prefix.rstrip(".") if name == "__all__" else f"{prefix}{name}"
                for message in messages:
                    self.error(key or name, message)


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)


def _convert(model_field, value):
    if isinstance(model_field, models.JSONField):
        if value in (None, ""):
            return []
        if not isinstance(value, list):
            raise ValueError(_("give a list of texts"))
        return [_text(v) for v in value]
    if isinstance(model_field, models.BooleanField):
        if value in (None, ""):
            if model_field.null:
                return None
            return False
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "1"):
            return True
        if text in ("false", "no", "0"):
            return False
        raise ValueError(_("give true or false, not “%(value)s”") % {"value": value})
    if isinstance(model_field, models.DateField):
        if value in (None, ""):
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date: write it as YYYY-MM-DD") % {"value": value}
            ) from None
    if isinstance(model_field, models.IntegerField):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            raise ValueError(_("give a whole number"))
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError(_("“%(value)s” is not a whole number") % {"value": value}) from None
        return number
    if value is None:
        return ""
    if isinstance(value, list | dict):
        raise ValueError(_("give a text, not a list"))
    return str(value).strip() if not isinstance(model_field, models.TextField) else str(value)


def parse_record(data, lookups: Lookups | None = None, *, row: int | None = None) -> ParsedRecord:
    """An object of the format → a ``ParsedRecord`` (unsaved instances), with every problem
    located by key. Unknown keys are errors (a misspelt key would otherwise be lost)."""
    lookups = lookups or Lookups()
    if not isinstance(data, dict):
        parsed = ParsedRecord("", None, None, row=row)
        parsed.errors.append(("", _("each record must be a JSON object")))
        return parsed
    kind = _text(data.get("kind")).strip()
    parsed = ParsedRecord(kind, None, None, row=row)
    reader = _Reader(data, lookups, parsed)
    if kind not in RECORD_MODELS:
        reader.error(
            "kind",
            _("give the kind of record: one of %(kinds)s")
            % {"kinds": ", ".join(RecordKind.values)},
        )
        return parsed
    unknown = sorted(set(data) - set(keys_of(kind)))
    for key in unknown:
        reader.error(key, _("a %(kind)s record has no key “%(key)s”") % {"kind": kind, "key": key})
    status = data.get("status")
    if status not in (None, ""):
        if status not in RecordStatus.values:
            reader.error(
                "status",
                _("give one of %(statuses)s") % {"statuses": ", ".join(RecordStatus.values)},
            )
        else:
            parsed.status = status
    model = RECORD_MODELS[kind]
    record = model()
    participant = reader.state("state", data.get("state"), required=True)
    if participant is not None:
        record.participant = participant
    record.number = _text(data.get("number")).strip()
    reader.fields(record, data, (*SCALARS[kind], *PROVENANCE), "")
    reader.clean(record, "", exclude=("participant",) if participant is None else ())
    parsed.instance = record
    for name in TAGS[kind]:
        parsed.m2m[name] = reader.terms(name, data.get(name), name)
    if kind == RecordKind.LEGISLATION:
        parsed.parts["provisions"] = _provisions(reader, data.get("provisions"))
    elif kind == RecordKind.CASE:
        _case(reader, data)
    return parsed


def _list(reader: _Reader, key: str, value) -> list:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        reader.error(key, _("give a list"))
        return []
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            reader.error(f"{key}[{i}]", _("give an object"))
        else:
            out.append((i, item))
    return out


def _extra(reader: _Reader, key: str, item: dict, allowed) -> None:
    for name in sorted(set(item) - set(allowed)):
        reader.error(f"{key}.{name}", _("unknown key “%(key)s”") % {"key": name})


PROVISION_KEYS = ("number", "heading", "text", "text_en", "articles", "crime_types", "issues")


def _provisions(reader: _Reader, value) -> list[ParsedPart]:
    parts, numbers = [], set()
    for position, (i, item) in enumerate(_list(reader, "provisions", value)):
        key = f"provisions[{i}]"
        _extra(reader, key, item, PROVISION_KEYS)
        provision = Provision(position=position)
        reader.fields(provision, item, ("number", "heading", "text", "text_en"), f"{key}.")
        reader.clean(provision, f"{key}.", exclude=("law",))
        if provision.number:
            if provision.number in numbers:
                reader.error(
                    f"{key}.number",
                    _("this law already has a provision numbered “%(n)s”")
                    % {"n": provision.number},
                )
            numbers.add(provision.number)
        tags, seen = [], set()
        articles = item.get("articles") or []
        if not isinstance(articles, list):
            reader.error(f"{key}.articles", _("give a list of article references"))
            articles = []
        for j, reference in enumerate(articles):
            try:
                code, number, paragraph = parse_reference(reference)
            except ValueError as exc:
                reader.error(f"{key}.articles[{j}]", exc)
                continue
            article = reader.lookups.articles().get((code, number))
            if article is None:
                reader.error(
                    f"{key}.articles[{j}]",
                    _("%(code)s has no article %(number)s") % {"code": code, "number": number},
                )
                continue
            if (article.pk, paragraph) not in seen:
                seen.add((article.pk, paragraph))
                tags.append((article, paragraph))
        m2m = {
            "articles": tags,
            "crime_types": reader.terms(
                f"{key}.crime_types", item.get("crime_types"), "crime_types"
            ),
            "issues": reader.terms(f"{key}.issues", item.get("issues"), "issues"),
        }
        parts.append(ParsedPart(key, provision, m2m))
    return parts


def _case(reader: _Reader, data: dict) -> None:
    parsed = reader.parsed
    summaries = data.get("summaries") or {}
    parsed.parts["summaries"] = []
    if not isinstance(summaries, dict):
        reader.error("summaries", _("give an object of language code → summary"))
        summaries = {}
    for language, text in summaries.items():
        key = f"summaries.{language}"
        summary = CaseSummary(language=_text(language).strip(), text=_text(text))
        reader.clean(summary, f"{key}.", exclude=("case",))
        parsed.parts["summaries"].append(ParsedPart(key, summary))

    def simple(name, model, keys, extra=None):
        parsed.parts[name] = []
        for position, (i, item) in enumerate(_list(reader, name, data.get(name))):
            key = f"{name}[{i}]"
            _extra(reader, key, item, keys)
            instance = model()
            if hasattr(instance, "position"):
                instance.position = position
            plain = [k for k in keys if k not in (extra or {})]
            reader.fields(instance, item, plain, f"{key}.")
            for handler in (extra or {}).values():
                handler(instance, item, key)
            reader.clean(instance, f"{key}.", exclude=("case",))
            parsed.parts[name].append(ParsedPart(key, instance))

    simple("proceedings", Proceeding, ("court", "level", "docket", "date", "outcome"))

    def nationality(instance, item, key):
        instance.nationality = reader.state(
            f"{key}.nationality", item.get("nationality"), required=False
        )

    def partner(instance, item, key):
        instance.partner = reader.state(f"{key}.partner", item.get("partner"), required=False)

    simple(
        "parties",
        CaseParty,
        ("kind", "initials", "sex", "age_band", "nationality", "role"),
        {"nationality": nationality},
    )
    for part in parsed.parts["parties"]:
        party = part.instance
        if not party.sex:
            party.sex = CaseParty._meta.get_field("sex").default
        if not party.age_band:
            party.age_band = CaseParty._meta.get_field("age_band").default
    simple(
        "cooperation",
        Cooperation,
        ("kind", "partner", "convention_legal_basis", "description"),
        {"partner": partner},
    )
    simple("attachments", CaseAttachment, ("title", "url"))
    for part in parsed.parts["attachments"]:
        if not part.instance.url:
            reader.error(f"{part.key}.url", _("give the attachment's address"))

    defendants: dict[str, int] = {}
    for part in parsed.parts["parties"]:
        if part.instance.kind == PartyKind.DEFENDANT and part.instance.initials:
            defendants[part.instance.initials] = defendants.get(part.instance.initials, 0) + 1
    parsed.parts["charges"] = []
    for position, (i, item) in enumerate(_list(reader, "charges", data.get("charges"))):
        key = f"charges[{i}]"
        _extra(
            reader,
            key,
            item,
            ("defendant", "offence", "provisions", "cited", "verdict", "sentence"),
        )
        charge = Charge(position=position)
        reader.fields(charge, item, ("offence", "cited", "verdict", "sentence"), f"{key}.")
        reader.clean(charge, f"{key}.", exclude=("case", "defendant"))
        part = ParsedPart(key, charge)
        initials = item.get("defendant")
        if initials not in (None, ""):
            count = defendants.get(str(initials), 0)
            if count == 0:
                reader.error(
                    f"{key}.defendant",
                    _("no defendant of this case has the initials “%(i)s”") % {"i": initials},
                )
            elif count > 1:
                reader.error(
                    f"{key}.defendant",
                    _("several defendants have the initials “%(i)s”: give them different ones")
                    % {"i": initials},
                )
            else:
                part.defendant = str(initials)
        for k, cite in _list(reader, f"{key}.provisions", item.get("provisions")):
            where = f"{key}.provisions[{k}]"
            _extra(reader, where, cite, ("law", "provision"))
            law, _slash, number = _text(cite.get("law")).partition("/")
            provision = _text(cite.get("provision")).strip()
            if not (law and number and provision):
                reader.error(
                    where,
                    _("name the law as “<State code>/<law number>” and the provision's number"),
                )
                continue
            part.cites.append((law.strip().upper(), number.strip(), provision))
        parsed.parts["charges"].append(part)
