"""The ready mappings on the fictional samples, and bad files: reported by row and column,
nothing half-imported. Expected values are read off the sample files by hand."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied

from palermo.analysis.models import LINK_SCHEMATA, Entity, Statement
from palermo.analysis.services import import_file
from palermo.platform.actors import system_user

from .helpers import load, sample, team

pytestmark = pytest.mark.django_db


def entities(investigation, schema):
    return list(Entity.objects.filter(investigation=investigation, schema=schema))


def by_name(investigation, name):
    things = Entity.objects.exclude(schema__in=LINK_SCHEMATA)
    return things.get(investigation=investigation, caption=name)


def test_call_records_become_calls_between_lines():
    investigation, *_ = team()
    report = load(investigation, "calls.csv", "calls")
    assert report.ok, report.errors
    calls = entities(investigation, "Call")
    assert len(calls) == 5  # five rows
    with sample("calls.csv").open() as handle:
        numbers = {
            value.replace(" ", "")
            for row in csv.DictReader(handle)
            for value in (row["Caller number"], row["Receiver number"])
        }
    lines = Entity.objects.filter(investigation=investigation, properties__has_key="phone")
    assert {e.properties["phone"][0] for e in lines} == numbers
    ivan = by_name(investigation, "Ivan Petrov")
    assert ivan.schema == "Person"
    assert ivan.properties["firstName"] == ["Ivan"]
    assert ivan.properties["lastName"] == ["Petrov"]
    # A line named in no row stays a legal entity named by its number.
    unnamed = by_name(investigation, "+393331000003")
    assert unnamed.schema == "LegalEntity"
    dates = sorted(d for call in calls for d in call.properties["date"])
    assert dates == [
        "2024-03-01",  # 1 March 2024
        "2024-03-01T08:15:00",
        "2024-03-01T09:40:00",  # 01/03/2024 09:40, day first
        "2024-03-02T22:05:00",  # 02.03.2024 22:05
        "2024-03-03",  # March 3, 2024
    ]
    first = next(c for c in calls if "2024-03-01T08:15:00" in c.properties["date"])
    assert first.properties["caller"] == [ivan.ftm_id]
    assert first.properties["duration"] == ["125"]


def test_month_first_option():
    investigation, *_ = team()
    assert load(investigation, "calls.csv", "calls", day_first=False).ok
    dates = {d for c in entities(investigation, "Call") for d in c.properties["date"]}
    assert "2024-01-03T09:40:00" in dates  # 01/03/2024 read as 3 January
    assert "2024-02-03T22:05:00" in dates


def test_every_value_is_a_statement_with_its_source():
    investigation, *_ = team()
    report = load(investigation, "calls.csv", "calls")
    ivan = by_name(investigation, "Ivan Petrov")
    names = Statement.objects.filter(entity=ivan, prop="name").order_by("source_row")
    # Ivan is named in three rows of the file (lines 2, 4 and 5 after the header).
    assert [s.source_row for s in names] == [2, 4, 5]
    first = names[0]
    assert first.value == "Ivan Petrov"
    assert first.original_value == "PETROV, Ivan"
    assert first.source_file == "calls.csv"
    assert first.source_column == "Caller"
    assert str(first.import_run_id) == report.as_dict()["import_id"]
    # The entity's properties are the union of its statements.
    union = {}
    for s in Statement.objects.filter(entity=ivan):
        union.setdefault(s.prop, set()).add(s.value)
    assert {k: set(v) for k, v in ivan.properties.items()} == union
    proxy = ivan.to_ftm()
    assert proxy.schema.name == "Person" and proxy.id == ivan.ftm_id
    assert proxy.caption == "Ivan Petrov"


def test_bank_transactions():
    investigation, *_ = team()
    report = load(investigation, "payments.csv", "payments")
    assert report.ok, report.errors
    payments = entities(investigation, "Payment")
    assert len(payments) == 4
    amounts = sorted(p.properties["amount"][0] for p in payments)
    assert amounts == ["1200", "9300.50", "9400", "9500.00"]
    assert {p.properties["currency"][0] for p in payments} == {"EUR", "USD"}
    accounts = entities(investigation, "BankAccount")
    ibans = {a.properties.get("iban", [None])[0] for a in accounts}
    assert "GB29NWBK60161331926819" in ibans and "IT60X0542811101000000123456" in ibans
    assert len(accounts) == 5  # four IBANs and one plain account number
    orion = by_name(investigation, "Orion Trading S.r.l.")
    assert orion.schema == "Company"
    # Each account is linked to its holder.
    holds = entities(investigation, "Ownership")
    assert {(h.properties["owner"][0], h.properties["asset"][0]) for h in holds} >= {
        (
            orion.ftm_id,
            next(
                a.ftm_id
                for a in accounts
                if "GB29NWBK60161331926819" in a.properties.get("iban", [])
            ),
        )
    }


def test_company_register_links_directors_and_shareholders():
    investigation, *_ = team()
    report = load(investigation, "companies.csv", "companies")
    assert report.ok, report.errors
    adriatic = by_name(investigation, "Adriatic Shipping Ltd")
    assert adriatic.schema == "Company"
    assert adriatic.properties["registrationNumber"] == ["C-100200"]
    assert adriatic.properties["jurisdiction"] == ["mt"]
    # 2019-05-14 and 14/05/2019 are the same day: one value, two statements.
    assert adriatic.properties["incorporationDate"] == ["2019-05-14"]
    assert Statement.objects.filter(entity=adriatic, prop="incorporationDate").count() == 2
    directors = entities(investigation, "Directorship")
    assert len(directors) == 3
    owners = {
        (by_id(investigation, o.properties["owner"][0]).caption, o.properties["percentage"][0])
        for o in entities(investigation, "Ownership")
    }
    assert owners == {
        ("Orion Trading S.r.l.", "60"),
        ("Ivan Petrov", "40"),
        ("Adriatic Shipping Ltd", "100"),
    }


def by_id(investigation, ftm_id):
    return Entity.objects.get(investigation=investigation, ftm_id=ftm_id)


def test_seizures_with_several_persons_in_a_cell():
    investigation, *_ = team()
    report = load(investigation, "seizures.csv", "seizures")
    assert report.ok, report.errors
    events = entities(investigation, "Event")
    assert len(events) == 3
    gioia = [e for e in events if e.properties.get("location") == ["Port of Gioia Tauro, Calabria"]]
    assert len(gioia) == 2
    addresses = entities(investigation, "Address")
    assert len(addresses) == 2  # the port is one place
    cocaine = next(e for e in events if e.properties["name"] == ["cocaine (kg)"])
    involved = {by_id(investigation, i).caption for i in cocaine.properties["involved"]}
    assert involved == {"Ivan Petrov", "Marco Bellini"}


def test_case_files_join_name_columns():
    investigation, *_ = team()
    report = load(investigation, "cases.csv", "cases")
    assert report.ok, report.errors
    ivan = by_name(investigation, "Ivan Petrov")
    assert ivan.properties["birthDate"] == ["1979-11-02"]
    assert ivan.properties["nationality"] == ["bg"]
    assert len(entities(investigation, "CourtCase")) == 2
    # "X0000001" and "X 0000001": one passport, held by Ivan, seen in two rows.
    (passport,) = entities(investigation, "Passport")
    assert passport.properties["holder"] == [ivan.ftm_id]
    assert passport.properties["number"] == ["X0000001"]
    assert Statement.objects.filter(entity=passport, prop="number").count() == 2
    parties = entities(investigation, "CourtCaseParty")
    assert len(parties) == 4
    assert sorted(p.properties["role"][0] for p in parties) == [
        "defendant",
        "suspect",
        "suspect",
        "witness",
    ]


def test_several_files_share_their_entities():
    investigation, *_ = team()
    for name, mapping in [("calls.csv", "calls"), ("cases.csv", "cases")]:
        assert load(investigation, name, mapping).ok
    # Ivan of the call records (keyed by his line) and of the case files (keyed by his name)
    # are two entities until resolution; Ivan of the cases and the payments is one.
    assert load(investigation, "payments.csv", "payments").ok
    ivans = Entity.objects.filter(
        investigation=investigation, caption="Ivan Petrov", schema="Person"
    )
    assert ivans.count() == 2
    keyed_by_name = ivans.exclude(properties__has_key="phone").get()
    sources = set(
        Statement.objects.filter(entity=keyed_by_name).values_list("source_file", flat=True)
    )
    assert sources == {"cases.csv", "payments.csv"}


def test_a_bad_file_is_reported_by_row_and_column_and_nothing_is_written():
    investigation, *_ = team()
    report = load(investigation, "bad_payments.csv", "payments")
    assert not report.ok
    where = {(e.row, e.field) for e in report.errors}
    assert where == {
        (3, "Value date"),
        (3, "Ordering account"),
        (3, "Amount"),
        (3, "Currency"),
    }
    messages = " ".join(str(e) for e in report.errors)
    assert "bad_payments.csv, row 3" in messages
    assert "31/02/2024" in messages and "check digits" in messages and "EURO" in messages
    # Row 2 was valid, and still nothing of it was written.
    assert not Entity.objects.filter(investigation=investigation).exists()
    assert not Statement.objects.filter(investigation=investigation).exists()


def test_a_mapping_naming_missing_columns_is_refused_before_any_row():
    investigation, *_ = team()
    report = load(investigation, "calls.csv", "payments")
    assert not report.ok
    assert {e.field for e in report.errors} >= {"Value date", "Ordering party"}
    assert not Entity.objects.filter(investigation=investigation).exists()


def test_a_schema_conflict_is_an_error(tmp_path):
    investigation, *_ = team()
    assert load(investigation, "seizures.csv", "seizures").ok
    # "Marco Bellini" is a person there; a company keyed by the same name cannot be him.
    path = tmp_path / "conflict.csv"
    path.write_text(
        "Company name,Reg. no.,Country,Incorporated,Director,Shareholder,Share\n"
        "Marco Bellini,,IT,2020-01-01,,,\n"
    )
    before = Statement.objects.filter(investigation=investigation).count()
    report = import_file(investigation, path, mapping="companies", acting_user=system_user())
    assert not report.ok
    assert "Person" in str(report.errors[0]) and "Company" in str(report.errors[0])
    assert report.errors[0].row == 2
    assert Statement.objects.filter(investigation=investigation).count() == before


def test_phone_numbers_need_a_country_or_the_international_form(tmp_path):
    investigation, *_ = team()
    path = tmp_path / "national.csv"
    path.write_text(
        "Caller number,Caller,Receiver number,Receiver,Start,Duration (s)\n"
        "06 1234 5678,,333 100 0002,,2024-03-01,10\n"
    )
    refused = import_file(investigation, path, mapping="calls", acting_user=system_user())
    assert {e.field for e in refused.errors} == {"Caller number", "Receiver number"}
    assert "--country" in refused.errors[0].message
    accepted = import_file(
        investigation, path, mapping="calls", acting_user=system_user(), country="it"
    )
    assert accepted.ok, accepted.errors
    phones = {p for e in entities(investigation, "LegalEntity") for p in e.properties["phone"]}
    assert phones == {"+390612345678", "+393331000002"}


def test_a_mapping_file_with_its_kind(tmp_path):
    investigation, *_ = team()
    mapping = tmp_path / "mine.yaml"
    mapping.write_text("kind: seizures\nfields:\n  date: When\n  place: Where\n  item: What\n")
    data = tmp_path / "mine.csv"
    data.write_text("When,Where,What\n5 March 2024,Bari,heroin\n")
    report = import_file(investigation, data, mapping=str(mapping), acting_user=system_user())
    assert report.ok, report.errors
    assert entities(investigation, "Event")[0].properties["date"] == ["2024-03-05"]


def test_viewers_and_outsiders_cannot_import():
    investigation, owner, editor, viewer, outsider = team()
    for user in (viewer, outsider):
        with pytest.raises(PermissionDenied):
            load(investigation, "calls.csv", "calls", user=user)
    assert not Entity.objects.filter(investigation=investigation).exists()
    assert load(investigation, "calls.csv", "calls", user=editor).ok


def test_statements_are_never_changed():
    investigation, *_ = team()
    load(investigation, "calls.csv", "calls")
    statement = Statement.objects.filter(investigation=investigation).first()
    statement.value = "altered"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        statement.save()
    with pytest.raises(ValidationError):
        Statement.objects.filter(pk=statement.pk).update(value="altered")
    statement.refresh_from_db()
    assert statement.value != "altered"


def test_json_lines_are_read_too(tmp_path):
    investigation, *_ = team()
    path = tmp_path / "seized.jsonl"
    buffer = io.StringIO()
    buffer.write(
        '{"Date": "2024-03-05", "Location": "Bari", "Item": "cash", "Qty": "5", "Persons": ""}\n'
    )
    path.write_text(buffer.getvalue())
    report = import_file(investigation, path, mapping="seizures", acting_user=system_user())
    assert report.ok, report.errors


def test_links_between_parties_for_the_network():
    from palermo.analysis.queries import links

    investigation, owner, _editor, _viewer, outsider = team()
    load(investigation, "calls.csv", "calls")
    found = links(investigation, owner)
    assert len(found) == 5 and {link.schema for link in found} == {"Call"}
    ivan = by_name(investigation, "Ivan Petrov")
    bellini = by_name(investigation, "Marco Bellini")
    # Row 2 of calls.csv: Ivan calls Marco Bellini.
    assert any(link.source == ivan.ftm_id and link.target == bellini.ftm_id for link in found)
    with pytest.raises(PermissionDenied):
        links(investigation, outsider)


def test_emails_and_countries_are_checked_by_followthemoney(tmp_path):
    investigation, *_ = team()
    mapping = tmp_path / "people.yaml"
    mapping.write_text(
        "kind: cases\nfields:\n  person: Name\n  role: Role\n  case: Case\n"
        "  email: Mail\n  nationality: Country\n"
    )
    data = tmp_path / "people.csv"
    data.write_text(
        "Name,Role,Case,Mail,Country\n"
        "Ana Lima,witness,RG 1/2024,ana.lima@example.org,Brazil\n"
        "Rui Costa,witness,RG 1/2024,rui.costa(at)example.org,Atlantis\n"
    )
    report = import_file(investigation, data, mapping=str(mapping), acting_user=system_user())
    assert {(e.row, e.field) for e in report.errors} == {(3, "Mail"), (3, "Country")}
    data.write_text(
        "Name,Role,Case,Mail,Country\nAna Lima,witness,RG 1/2024,Ana.Lima@Example.org,Brazil\n"
    )
    report = import_file(investigation, data, mapping=str(mapping), acting_user=system_user())
    assert report.ok, report.errors
    ana = by_name(investigation, "Ana Lima")
    assert ana.properties["nationality"] == ["br"]
    assert ana.properties["email"][0].lower() == "ana.lima@example.org"


def test_a_dry_run_checks_and_writes_nothing():
    investigation, *_ = team()
    report = load(investigation, "companies.csv", "companies", dry_run=True)
    assert report.ok and report.created > 0
    assert not Entity.objects.filter(investigation=investigation).exists()
