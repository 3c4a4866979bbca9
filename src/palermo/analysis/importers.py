"""Imports of investigative spreadsheets into FollowTheMoney entities, all or nothing.

One importer per kind of sheet (``analysis.calls``, ``analysis.payments``,
``analysis.companies``, ``analysis.seizures``, ``analysis.cases``), each with named fields that
a column mapping fills (``mappings.py`` ships a ready one per kind). One row becomes several
entities: a bank transaction gives the payer, the beneficiary, their accounts, who holds each
account, and the Payment between them.

Every value goes through FollowTheMoney's property types (dates, countries, phone numbers,
e-mail addresses, identifiers) after Palermo has read what spreadsheets really contain: mixed
date formats (``values.parse_date``; numeric dates day first unless ``--month-first``), joined
names ("PETROV, Ivan"), amounts with thousands separators, IBANs with their check digits. A
value that cannot be read is an error naming its row and column; one error anywhere and
nothing is written.

Each value is a ``Statement`` pointing at the import, the file, the row and the column, so the
same person met in a hundred rows keeps a hundred sources. Entities are keyed within an
investigation (a party by its name, an account by its number, a phone line by its number, a
company by its name), so a second file adds statements to the entities it
shares with the first; telling apart or merging what the keys cannot is entity resolution's
work.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import rules
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from followthemoney import model as ftm
from followthemoney.exc import InvalidData

from palermo.platform.imports import Importer, register_importer
from palermo.platform.policies import authenticated, require

from . import values as clean
from .models import Entity, Investigation, Statement

#: Anyone signed in may start an analysis import; the investigation's policy (editors and
#: owners) decides whether it is written (``EntityImporter.write``).
IMPORT_ENTITIES = "analysis.import_entities"
if not rules.perm_exists(IMPORT_ENTITIES):
    rules.add_perm(IMPORT_ENTITIES, authenticated.predicate)

#: Entities looked up at once (SQLite allows 999 variables in a statement).
LOOKUP_CHUNK = 500


def make_id(*parts) -> str:
    """A stable FollowTheMoney id from the parts of a key (SHA-1, as followthemoney does)."""
    text = "\x1f".join(str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def running_name(written: str) -> str:
    """The name as written in running text: "PETROV, Ivan" → "Ivan Petrov"."""
    joined = clean.split_joined_name(written)
    return joined[2] if joined else written


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class Fragment:
    """What one row says about one entity: its schema and its values."""

    id: str
    schema: str
    values: list = field(default_factory=list)  # (prop, value, original, column)


class RowBuilder:
    """One row's entities; each value that cannot be read is reported at its column."""

    def __init__(self, row, report, columns: dict, options: dict):
        self.row, self.report, self.columns = row, report, columns
        self.values = row.values
        self.day_first = options.get("day_first", True)
        self.country = (options.get("country") or "").lower()
        self.fragments: dict[str, Fragment] = {}
        self.ok = True

    def where(self, name: str) -> str:
        return self.columns.get(name) or name

    def error(self, name, message, kind="invalid"):
        self.report.error(self.row.number, self.where(name), message, kind)
        self.ok = False

    def text(self, name: str, *, required: bool = False) -> str:
        value = self.values.get(name)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else " ".join(str(value).split())
        if required and not text:
            self.error(name, _("the value is empty"), "missing")
        return text

    def entity(self, schema: str, *key) -> Fragment:
        fragment_id = make_id(*key)
        found = self.fragments.get(fragment_id)
        if found is None:
            found = self.fragments[fragment_id] = Fragment(fragment_id, schema)
        return found

    def add(
        self, fragment: Fragment, prop: str, value, *, source: str | None = None, original=None
    ) -> str | None:
        """Clean ``value`` with the property's FollowTheMoney type and keep it as a statement
        of ``fragment``; ``source`` is the field it came from (its column is the source)."""
        if value is None or value == "":
            return None
        schema = ftm.get(fragment.schema)
        prop_obj = schema.get(prop)
        if prop_obj is None:
            raise InvalidData(f"{fragment.schema} has no property {prop}")
        if isinstance(value, Fragment):
            cleaned = value.id
        else:
            hint = self.country if prop_obj.type.name == "phone" and self.country else None
            cleaned = prop_obj.type.clean(value, format=hint)
            if cleaned is None:
                self.error(
                    source or prop,
                    _("“%(value)s” is not a valid %(type)s for %(prop)s")
                    % {"value": value, "type": prop_obj.type.label, "prop": prop_obj.label},
                )
                return None
        if original is None:
            raw = self.values.get(source) if source else None
            original = raw if raw not in (None, "") else getattr(value, "id", value)
        column = self.where(source) if source else ""
        fragment.values.append((prop, cleaned, str(original), column))
        return cleaned

    # Readers of messy values ---------------------------------------------------------------

    def date(self, name: str, *, required: bool = False) -> str | None:
        value = self.values.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(name, _("the value is empty"), "missing")
            return None
        try:
            return clean.parse_date(value, day_first=self.day_first)
        except ValueError as exc:
            self.error(name, str(exc))
            return None

    def checked(self, name: str, check, *, required: bool = False) -> str | None:
        text = self.text(name, required=required)
        if not text:
            return None
        try:
            return check(text)
        except ValueError as exc:
            self.error(name, str(exc))
            return None

    def phone(self, name: str, *, required: bool = False) -> str | None:
        text = self.text(name, required=required)
        if not text:
            return None
        from followthemoney import registry

        number = registry.phone.clean(text, format=self.country or None)
        if number is None:
            hint = (
                ""
                if self.country
                else _("; write it in international form (+39 …) or give the option --country")
            )
            self.error(
                name, _("“%(value)s” is not a phone number%(hint)s") % {"value": text, "hint": hint}
            )
        return number

    def party(self, name_field: str, *, schema: str | None = None, required: bool = True):
        """A person, company or other legal entity named in ``name_field``; a joined name
        ("PETROV, Ivan") gives first and last name and the name as usually written."""
        written = self.text(name_field, required=required)
        if not written:
            return None
        kind = schema or clean.party_schema(written)
        display = written if kind == "Company" else running_name(written)
        party = self.entity(kind, "party", _norm(display))
        self.name(party, written, source=name_field)
        return party

    def name(self, fragment: Fragment, written: str, *, source: str, original=None) -> None:
        """The name of a party; a joined one ("PETROV, Ivan") also as first and last name,
        and the party is then a person."""
        joined = None if fragment.schema == "Company" else clean.split_joined_name(written)
        if joined is None:
            self.add(fragment, "name", written, source=source, original=original)
            return
        if fragment.schema == "LegalEntity":
            fragment.schema = "Person"
        self.add(fragment, "name", joined[2], source=source, original=original or written)
        self.add(fragment, "firstName", joined[0], source=source, original=original or written)
        self.add(fragment, "lastName", joined[1], source=source, original=original or written)

    def account(self, name: str):
        text = self.text(name)
        if not text:
            return None
        account = None
        if clean.looks_like_iban(text):
            try:
                iban = clean.check_iban(text)
            except ValueError as exc:
                self.error(name, str(exc))
                return None
            account = self.entity("BankAccount", "account", iban)
            self.add(account, "iban", iban, source=name)
            self.add(account, "accountNumber", iban, source=name)
        else:
            number = text.replace(" ", "")
            account = self.entity("BankAccount", "account", number.upper())
            self.add(account, "accountNumber", number, source=name)
        return account


class EntityImporter(Importer):
    """The common part: the investigation, the options, and writing entities and statements."""

    kind = ""
    permission = IMPORT_ENTITIES
    #: An analysis import goes into an investigation, which the site's import page cannot
    #: name: it is started from the command (and the investigation's own page, to come).
    on_import_page = False
    formats = ("csv", "tsv", "xlsx", "json", "jsonl", "ndjson")
    models = (Entity, Statement)
    option_names = ("investigation", "day_first", "country")
    batch_size = 1000

    def add_arguments(self, parser) -> None:
        parser.add_argument("--investigation", type=int, required=True, help="Its number.")
        parser.add_argument(
            "--month-first",
            dest="day_first",
            action="store_false",
            help="Read numeric dates such as 03/01/2024 as month first (default: day first).",
        )
        parser.add_argument(
            "--country", default="", help="ISO code of the country for national phone numbers."
        )

    def parse(self, source, report):
        investigation = Investigation.objects.filter(pk=report.options.get("investigation")).first()
        if investigation is None:
            report.error(
                None,
                None,
                _("there is no investigation %(id)s") % {"id": report.options.get("investigation")},
                "unknown",
            )
            return []
        report.options["_investigation"] = investigation
        country = report.options.get("country") or ""
        if country:
            from followthemoney import registry

            try:
                registry.phone.clean("+390612345678", format=country)
            except InvalidData:
                report.error(
                    None,
                    "country",
                    _("“%(code)s” is not a country code for phone numbers (it, de, ng …)")
                    % {"code": country},
                )
                return []
        mapping = report.options.get("_mapping")
        report.options["_columns"] = (
            {fm.field: fm.where or fm.field for fm in mapping.fields} if mapping else {}
        )
        return super().parse(source, report)

    def validate_row(self, row, report):
        builder = RowBuilder(row, report, report.options.get("_columns", {}), report.options)
        self.build(builder, report)
        if not builder.ok:
            return None
        return row.number, list(builder.fragments.values())

    def build(self, b: RowBuilder, report) -> None:
        raise NotImplementedError

    def row_key(self, report, b: RowBuilder):
        """The key of an entity that is this very row (a call, a payment)."""
        return (self.kind, str(report.run.pk) if report.run is not None else "", b.row.number)

    def write(self, items, report, *, acting_user, progress) -> None:
        investigation = report.options.get("_investigation")
        if investigation is not None:
            require(acting_user, "change", investigation)
        super().write(items, report, acting_user=acting_user, progress=progress)

    def write_batch(self, items, report, *, acting_user) -> None:
        investigation = report.options["_investigation"]
        by_id: dict[str, list] = {}
        for row_number, fragments in items:
            for fragment in fragments:
                by_id.setdefault(fragment.id, []).append((row_number, fragment))
        existing = {}
        ids = list(by_id)
        for start in range(0, len(ids), LOOKUP_CHUNK):
            chunk = ids[start : start + LOOKUP_CHUNK]
            for entity in Entity.objects.filter(investigation=investigation, ftm_id__in=chunk):
                existing[entity.ftm_id] = entity
        new, changed = [], []
        for ftm_id, seen in by_id.items():
            entity = existing.get(ftm_id)
            schema = entity.schema if entity else seen[0][1].schema
            for row_number, fragment in seen:
                try:
                    schema = ftm.common_schema(schema, fragment.schema).name
                except InvalidData:
                    report.error(
                        row_number,
                        None,
                        _("%(name)s is a %(a)s elsewhere in this investigation and a %(b)s here")
                        % {"name": _caption(fragment), "a": schema, "b": fragment.schema},
                        "conflict",
                    )
            is_new = entity is None
            if is_new:
                entity = Entity(investigation=investigation, ftm_id=ftm_id, schema=schema)
                new.append(entity)
            grew = is_new or entity.schema != schema
            entity.schema = schema
            props = entity.properties or {}
            for _row, fragment in seen:
                for prop, value, _original, _column in fragment.values:
                    bucket = props.setdefault(prop, [])
                    if value not in bucket:
                        bucket.append(value)
                        grew = True
            entity.properties = props
            # An entity met again with nothing new keeps its row (and its caption) as it is.
            if grew:
                entity.caption = _entity_caption(entity)[:500]
                if not is_new:
                    changed.append(entity)
        if report.error_total:
            return
        saved = dict(existing)
        saved.update(_insert_entities(new))
        _update_entities(changed)
        run = report.run if report.run is not None and report.run.pk else None
        run = (
            Statement._meta.get_field("import_run").get_db_prep_save(run.pk, connection)
            if run
            else None
        )
        who = acting_user if getattr(acting_user, "pk", None) else None
        who = (
            Statement._meta.get_field("created_by").get_db_prep_save(who.pk, connection)
            if who
            else None
        )
        source_file = report.file[:255]
        _insert_statements(
            (
                investigation.pk,
                saved[ftm_id].pk,
                prop,
                value,
                original,
                source_file,
                column[:200],
                row_number,
                run,
                who,
            )
            for ftm_id, seen in by_id.items()
            for row_number, fragment in seen
            for prop, value, original, column in fragment.values
        )
        report.created += len(new)
        report.updated += len(changed)


# Writing in bulk ----------------------------------------------------------------------------
#
# A payments file of a million rows makes millions of statements: they are written with the
# database driver's ``executemany`` rather than as model instances (Django's ``bulk_create``
# spends most of its time building and preparing them), in columns named from the models'
# metadata. Entities are inserted with ``RETURNING`` (SQLite 3.35+, PostgreSQL) to learn their
# keys. Nothing here fires model signals, as ``bulk_create`` did not either.


def _columns(model, names):
    return ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)


def _rows_per_statement(width: int) -> int:
    limit = connection.features.max_query_params or 999
    return max(1, min(500, limit // width))


def _insert_entities(entities: list[Entity]) -> dict[str, Entity]:
    """Insert ``entities`` (new, unsaved); returns them by ``ftm_id`` with their keys set."""
    if not entities:
        return {}
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    names = ("investigation", "ftm_id", "schema", "caption", "properties", "created", "updated")
    table = connection.ops.quote_name(Entity._meta.db_table)
    pk = connection.ops.quote_name(Entity._meta.pk.column)
    ftm_col = connection.ops.quote_name(Entity._meta.get_field("ftm_id").column)
    step = _rows_per_statement(len(names))
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    by_id = {}
    with connection.cursor() as cursor:
        for start in range(0, len(entities), step):
            chunk = entities[start : start + step]
            params = []
            for e in chunk:
                e.created = e.updated = now
                params += [
                    e.investigation_id,
                    e.ftm_id,
                    e.schema,
                    e.caption,
                    connection.ops.adapt_json_value(e.properties, None),
                    stamp,
                    stamp,
                ]
            cursor.execute(
                f"INSERT INTO {table} ({_columns(Entity, names)}) VALUES "
                f"{', '.join([one] * len(chunk))} RETURNING {pk}, {ftm_col}",
                params,
            )
            keys = dict((ftm_id, key) for key, ftm_id in cursor.fetchall())
            for e in chunk:
                e.pk = keys[e.ftm_id]
                e._state.adding = False
                by_id[e.ftm_id] = e
    return by_id


def _update_entities(entities: list[Entity]) -> None:
    if not entities:
        return
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(Entity._meta.db_table)
    sets = ", ".join(
        f"{connection.ops.quote_name(Entity._meta.get_field(n).column)} = %s"
        for n in ("schema", "caption", "properties", "updated")
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE {connection.ops.quote_name(Entity._meta.pk.column)} = %s",
            [
                (
                    e.schema,
                    e.caption,
                    connection.ops.adapt_json_value(e.properties, None),
                    stamp,
                    e.pk,
                )
                for e in entities
            ],
        )


_STATEMENT_COLUMNS = (
    "investigation",
    "entity",
    "prop",
    "value",
    "original_value",
    "source_file",
    "source_column",
    "source_row",
    "import_run",
    "created_by",
    "created",
)


def _insert_statements(rows, batch: int = 5000) -> None:
    """Insert statements given as tuples of ``_STATEMENT_COLUMNS`` but the last (the time)."""
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(Statement._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({_columns(Statement, _STATEMENT_COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(_STATEMENT_COLUMNS))})"
    )
    with connection.cursor() as cursor:
        pending = []
        for row in rows:
            pending.append((*row, stamp))
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                pending = []
        if pending:
            cursor.executemany(sql, pending)


def _entity_caption(entity: Entity) -> str:
    try:
        return entity.to_ftm().caption
    except InvalidData:
        return entity.ftm_id


def _caption(fragment: Fragment) -> str:
    for prop, value, _original, _column in fragment.values:
        if prop == "name":
            return f"“{value}”"
    return fragment.id


@register_importer
class CallImporter(EntityImporter):
    name = "analysis.calls"
    kind = "calls"
    label = _("Call records (investigation)")
    help = _("Caller, receiver, start and duration of each call; one Call between two lines.")
    required_columns = ("caller", "receiver", "start")
    fields = {
        "caller": _("Caller's number"),
        "receiver": _("Receiver's number"),
        "start": _("Start (date and time)"),
        "duration": _("Duration (seconds)"),
        "caller_name": _("Caller's name"),
        "receiver_name": _("Receiver's name"),
    }

    def build(self, b, report):
        call = b.entity("Call", *self.row_key(report, b))
        for side in ("caller", "receiver"):
            number = b.phone(side, required=True)
            if number is None:
                continue
            name = b.text(f"{side}_name")
            party = b.entity("Person" if name else "LegalEntity", "line", number)
            b.name(party, name or number, source=f"{side}_name" if name else side)
            b.add(party, "phone", number, source=side)
            b.add(call, side, party, source=side)
            b.add(call, f"{side}Number", number, source=side)
        start = b.date("start", required=True)
        b.add(call, "date", start, source="start")
        duration = b.checked("duration", clean.parse_amount)
        b.add(call, "duration", duration, source="duration")


@register_importer
class PaymentImporter(EntityImporter):
    name = "analysis.payments"
    kind = "payments"
    label = _("Bank transactions (investigation)")
    help = _("Payer, beneficiary, their accounts, amount, currency and date of each transfer.")
    required_columns = ("payer", "beneficiary", "amount", "currency", "date")
    fields = {
        "payer": _("Payer"),
        "payer_account": _("Payer's account"),
        "beneficiary": _("Beneficiary"),
        "beneficiary_account": _("Beneficiary's account"),
        "amount": _("Amount"),
        "currency": _("Currency (ISO 4217)"),
        "date": _("Date"),
        "purpose": _("Purpose"),
        "reference": _("Transaction reference"),
    }

    def build(self, b, report):
        payment = b.entity("Payment", *self.row_key(report, b))
        for side in ("payer", "beneficiary"):
            party = b.party(side)
            account = b.account(f"{side}_account")
            if party is not None:
                b.add(payment, side, party, source=side)
            if account is not None:
                b.add(payment, f"{side}Account", account, source=f"{side}_account")
                if party is not None:
                    holder = b.entity("Ownership", "holds", party.id, account.id)
                    b.add(holder, "owner", party, source=side)
                    b.add(holder, "asset", account, source=f"{side}_account")
                    b.add(holder, "role", "account holder")
        b.add(
            payment,
            "amount",
            b.checked("amount", clean.parse_amount, required=True),
            source="amount",
        )
        b.add(
            payment,
            "currency",
            b.checked("currency", clean.check_currency, required=True),
            source="currency",
        )
        b.add(payment, "date", b.date("date", required=True), source="date")
        b.add(payment, "purpose", b.text("purpose"), source="purpose")
        b.add(payment, "transactionNumber", b.text("reference"), source="reference")


@register_importer
class CompanyImporter(EntityImporter):
    name = "analysis.companies"
    kind = "companies"
    label = _("Company register (investigation)")
    help = _("Companies with their registration number, directors and shareholders.")
    required_columns = ("company",)
    fields = {
        "company": _("Company"),
        "registration_number": _("Registration number"),
        "jurisdiction": _("Jurisdiction (country)"),
        "incorporation_date": _("Incorporation date"),
        "director": _("Director"),
        "shareholder": _("Shareholder"),
        "share": _("Share (%)"),
    }

    def build(self, b, report):
        name = b.text("company", required=True)
        number = b.text("registration_number")
        # Keyed by its name, like every party, so that the company a payment or another
        # register names is this one; its registration number is a statement.
        company = b.entity("Company", "party", _norm(name))
        b.add(company, "name", name, source="company")
        b.add(company, "registrationNumber", number, source="registration_number")
        b.add(company, "jurisdiction", b.text("jurisdiction"), source="jurisdiction")
        b.add(
            company, "incorporationDate", b.date("incorporation_date"), source="incorporation_date"
        )
        director = b.party("director", schema="Person", required=False)
        if director is not None:
            link = b.entity("Directorship", "directs", director.id, company.id)
            b.add(link, "director", director, source="director")
            b.add(link, "organization", company, source="company")
            b.add(link, "role", "director")
        owner = b.party("shareholder", required=False)
        if owner is not None:
            link = b.entity("Ownership", "owns", owner.id, company.id)
            b.add(link, "owner", owner, source="shareholder")
            b.add(link, "asset", company, source="company")
            share = b.checked("share", lambda text: clean.parse_amount(text.rstrip("% ")))
            b.add(link, "percentage", share, source="share")


@register_importer
class SeizureImporter(EntityImporter):
    name = "analysis.seizures"
    kind = "seizures"
    label = _("Seizures (investigation)")
    help = _("Date, place, item and quantity seized and the persons involved (separated by ;).")
    required_columns = ("date", "place", "item")
    fields = {
        "date": _("Date"),
        "place": _("Place"),
        "item": _("Item seized"),
        "quantity": _("Quantity"),
        "persons": _("Persons involved (separated by ;)"),
    }

    def build(self, b, report):
        event = b.entity("Event", *self.row_key(report, b))
        item = b.text("item", required=True)
        quantity = b.text("quantity")
        place = b.text("place", required=True)
        b.add(event, "name", item, source="item")
        b.add(
            event,
            "summary",
            f"{quantity} {item}".strip() if quantity else item,
            source="quantity" if quantity else "item",
        )
        b.add(event, "date", b.date("date", required=True), source="date")
        if place:
            address = b.entity("Address", "address", _norm(place))
            b.add(address, "full", place, source="place")
            b.add(event, "location", place, source="place")
            b.add(event, "addressEntity", address, source="place")
        for written in b.text("persons").split(";"):
            written = written.strip()
            if not written:
                continue
            person = b.entity("Person", "party", _norm(running_name(written)))
            b.name(person, written, source="persons", original=written)
            b.add(event, "involved", person, source="persons")


@register_importer
class CaseImporter(EntityImporter):
    name = "analysis.cases"
    kind = "cases"
    label = _("Case files (investigation)")
    help = _("Persons, their role and the case they appear in.")
    required_columns = ("person", "role", "case")
    fields = {
        "person": _("Person"),
        "role": _("Role in the case"),
        "case": _("Case"),
        "birth_date": _("Date of birth"),
        "nationality": _("Nationality"),
        "email": _("E-mail address"),
        "phone": _("Phone number"),
        "passport": _("Passport number"),
        "passport_country": _("Passport issued by (country)"),
    }

    def build(self, b, report):
        person = b.party("person", schema="Person")
        if person is not None:
            b.add(person, "email", b.text("email"), source="email")
            b.add(person, "phone", b.phone("phone"), source="phone")
            number = b.text("passport").replace(" ", "").upper()
            if number:
                passport = b.entity("Passport", "passport", number)
                b.add(passport, "number", number, source="passport")
                b.add(passport, "holder", person, source="person")
                b.add(passport, "type", "passport")
                country = b.text("passport_country")
                b.add(passport, "country", country, source="passport_country")
        case_name = b.text("case", required=True)
        role = b.text("role", required=True)
        if person is not None:
            b.add(person, "birthDate", b.date("birth_date"), source="birth_date")
            b.add(person, "nationality", b.text("nationality"), source="nationality")
        if case_name:
            case = b.entity("CourtCase", "case", _norm(case_name))
            b.add(case, "name", case_name, source="case")
            b.add(case, "caseNumber", case_name, source="case")
            if person is not None:
                link = b.entity("CourtCaseParty", "party-in", person.id, case.id, _norm(role))
                b.add(link, "party", person, source="person")
                b.add(link, "case", case, source="case")
                b.add(link, "role", role, source="role")


IMPORTERS_BY_KIND = {
    cls.kind: cls.name
    for cls in (CallImporter, PaymentImporter, CompanyImporter, SeizureImporter, CaseImporter)
}
