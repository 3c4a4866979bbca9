"""IATI 2.03: the export validates against the schema and says what the data says; a round trip
brings the same titles, dates, countries and budgets back; a real partner's file imports; a bad
file writes nothing and says where it is wrong; only the Secretariat imports."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from lxml import etree

from palermo.assistance import iati
from palermo.assistance.choices import Origin, WorkStatus
from palermo.assistance.models import (
    Activity,
    Budget,
    Expenditure,
    Funding,
    Organisation,
    Programme,
    Project,
)
from palermo.core.models import Participant

pytestmark = pytest.mark.django_db

# The partner's sample file is reference data beside the checkout (../shared/data/iati).
DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati"
SAMPLE = DATA / "partner_example_es-maec_indonesia_2015.xml"
SPAIN = "ES-DIR3-E04585801"


def xsd():
    return etree.XMLSchema(etree.parse(str(DATA / "iati-activities-schema.xsd")))


def states(*codes):
    return [Participant.objects.get(code=c) for c in codes]


@pytest.fixture
def records(db):
    """A programme with every field, a project with a donor and a ledger in two currencies, an
    activity under it, a stand-alone project's activity, a regional activity and an undated one
    (all fictional)."""
    donor = Organisation.objects.create(
        name="Fictional Donor Ministry", kind="government", iati_ref="XX-TEST-1", demo=True
    )
    partner = Organisation.objects.create(
        name="Fictional Partner & Co <NGO>", kind="ngo", demo=True
    )
    programme = Programme.objects.create(
        code="t-iati-prog",
        title="Fictional programme on “trafficking” & smuggling <2024>",
        description="Line one.\nLine two with ampersand & angle <brackets>.",
        status=WorkStatus.ONGOING,
        start=date(2023, 1, 15),
        end=date(2030, 12, 31),
        published=True,
        demo=True,
    )
    programme.beneficiaries.set(states("ARG", "KEN"))
    programme.partners.set([partner])
    project = Project.objects.create(
        code="t-iati-proj", title="Fictional project", programme=programme
    )
    Budget.objects.create(
        project=project, amount=Decimal("1000.50"), currency="EUR", year=2024, month=3
    )
    Budget.objects.create(project=project, amount=Decimal("2500"), currency="USD", year=2025)
    Expenditure.objects.create(
        project=project,
        amount=Decimal("400"),
        currency="EUR",
        year=2024,
        month=6,
        description="Venue",
    )
    Funding.objects.create(
        project=project, donor=donor, amount=Decimal("3000"), currency="USD", year=2024
    )
    child = Activity.objects.create(
        code="t-iati-child",
        title="Fictional workshop for prosecutors",
        description="Two days.",
        status=WorkStatus.COMPLETED,
        start=date(2024, 3, 4),
        end=date(2024, 3, 5),
        programme=programme,
        project=project,
        published=True,
        demo=True,
    )
    child.beneficiaries.set(states("KEN"))
    child.partners.set([partner])
    alone = Project.objects.create(code="t-iati-alone", title="Fictional stand-alone project")
    Budget.objects.create(project=alone, amount=Decimal("700"), currency="GBP", year=2022)
    Budget.objects.create(
        project=alone, amount=Decimal("300.25"), currency="GBP", year=2023, month=1
    )
    solo = Activity.objects.create(
        code="t-iati-solo",
        title="Fictional legislative advice",
        status=WorkStatus.PLANNED,
        start=date(2031, 1, 1),
        project=alone,
        iati_identifier="XM-PALERMO-OWN-ID-1",
        demo=True,
    )
    solo.beneficiaries.set(states("BRA"))
    Activity.objects.create(  # the same project's second activity: its ledger is not repeated
        code="t-iati-solo2",
        title="Fictional follow-up advice",
        status=WorkStatus.PLANNED,
        start=date(2031, 6, 1),
        project=alone,
        demo=True,
    )
    regional = Activity.objects.create(
        code="t-iati-regional",
        title="Fictional regional meeting",
        status=WorkStatus.UNKNOWN,
        start=date(2020, 5, 1),
        end=date(2020, 5, 3),
        regions=["Western Africa", "Mekong region"],
        published=True,
        demo=True,
    )
    undated = Activity.objects.create(
        code="t-iati-undated", title="Fictional undated activity", published=True, demo=True
    )
    partner_activity = Activity.objects.create(
        code="t-iati-theirs",
        title="A partner's own activity (fictional)",
        origin=Origin.PARTNER,
        start=date(2020, 1, 1),
        published=True,
        demo=True,
    )
    return {
        "programme": programme,
        "project": project,
        "child": child,
        "solo": solo,
        "regional": regional,
        "undated": undated,
        "partner_activity": partner_activity,
        "donor": donor,
    }


def exported(user, tmp_path, name="out.xml"):
    path = tmp_path / name
    counts = iati.export_xml(user, path)
    tree = etree.parse(str(path))
    return path, tree, counts


def by_id(tree, ident):
    found = [
        a for a in tree.getroot().findall("iati-activity") if a.findtext("iati-identifier") == ident
    ]
    assert len(found) == 1, ident
    return found[0]


class TestExport:
    def test_the_file_validates_and_carries_every_field(self, records, secretariat, tmp_path):
        path, tree, counts = exported(secretariat, tmp_path)
        schema = xsd()
        assert schema.validate(tree), schema.error_log
        root = tree.getroot()
        assert root.get("version") == "2.03"

        prog = by_id(tree, "XM-PALERMO-t-iati-prog")
        assert prog.get("hierarchy") == "1"
        assert prog.findtext("title/narrative") == records["programme"].title  # escaped, intact
        assert "angle <brackets>" in prog.findtext("description/narrative")
        assert prog.find("reporting-org").get("ref") == "XM-PALERMO"
        assert prog.find("activity-status").get("code") == "2"
        assert [(d.get("type"), d.get("iso-date")) for d in prog.findall("activity-date")] == [
            ("2", "2023-01-15"),
            ("3", "2030-12-31"),
        ]
        assert {c.get("code") for c in prog.findall("recipient-country")} == {"AR", "KE"}
        assert sum(Decimal(c.get("percentage")) for c in prog.findall("recipient-country")) == 100
        assert prog.find("sector").get("code") == "15130"
        roles = {
            (o.get("role"), o.findtext("narrative")) for o in prog.findall("participating-org")
        }
        assert ("1", "Fictional Donor Ministry") in roles
        assert ("4", "Fictional Partner & Co <NGO>") in roles
        assert ("4", iati.org_name()) in roles
        budgets = [
            (
                b.findtext("value"),
                b.find("value").get("currency"),
                b.find("period-start").get("iso-date"),
                b.find("period-end").get("iso-date"),
                b.find("value").get("value-date"),
            )
            for b in prog.findall("budget")
        ]
        assert budgets == [
            ("1000.50", "EUR", "2024-03-01", "2024-03-31", "2024-03-01"),
            ("2500.00", "USD", "2025-01-01", "2025-12-31", "2025-01-01"),
        ]
        transactions = {
            (
                t.find("transaction-type").get("code"),
                t.findtext("value"),
                t.find("value").get("currency"),
            )
            for t in prog.findall("transaction")
        }
        assert transactions == {("1", "3000.00", "USD"), ("4", "400.00", "EUR")}
        incoming = [
            t for t in prog.findall("transaction") if t.find("transaction-type").get("code") == "1"
        ]
        assert incoming[0].find("provider-org").get("ref") == "XX-TEST-1"
        assert [(r.get("type"), r.get("ref")) for r in prog.findall("related-activity")] == [
            ("2", "XM-PALERMO-t-iati-child")
        ]

        child = by_id(tree, "XM-PALERMO-t-iati-child")
        assert child.get("hierarchy") == "2"
        assert child.find("activity-status").get("code") == "4"
        assert [d.get("type") for d in child.findall("activity-date")] == ["2", "4"]
        assert [(r.get("type"), r.get("ref")) for r in child.findall("related-activity")] == [
            ("1", "XM-PALERMO-t-iati-prog")
        ]
        assert child.findall("budget") == []  # the project's ledger is its programme's
        assert ("1", "Fictional Donor Ministry") in {
            (o.get("role"), o.findtext("narrative")) for o in child.findall("participating-org")
        }

        solo = by_id(tree, "XM-PALERMO-OWN-ID-1")  # its own identifier
        assert solo.find("activity-status").get("code") == "1"
        assert [(d.get("type"), d.get("iso-date")) for d in solo.findall("activity-date")] == [
            ("1", "2031-01-01")
        ]
        assert [c.get("code") for c in solo.findall("recipient-country")] == ["BR"]
        assert len(solo.findall("budget")) == 2
        assert by_id(tree, "XM-PALERMO-t-iati-solo2").findall("budget") == []

        regional = by_id(tree, "XM-PALERMO-t-iati-regional")
        assert regional.findall("recipient-country") == []
        regions = [
            (r.get("vocabulary"), r.get("code"), r.findtext("narrative"))
            for r in regional.findall("recipient-region")
        ]
        assert regions == [("2", "011", "Western Africa"), ("99", "mekong-region", "Mekong region")]
        assert regional.find("activity-status").get("code") == "4"  # not stated, but ended

        idents = {a.findtext("iati-identifier") for a in root.findall("iati-activity")}
        assert "XM-PALERMO-t-iati-theirs" not in idents  # a partner's activity is theirs to report
        assert "XM-PALERMO-t-iati-undated" not in idents
        assert any("t-iati-undated" in reason for reason in counts["skipped"])
        assert counts["programmes"] + counts["activities"] == len(root.findall("iati-activity"))

    def test_the_public_gets_published_work_without_the_ledger(self, records, tmp_path):
        _path, tree, counts = exported(AnonymousUser(), tmp_path)
        assert xsd().validate(tree)
        idents = {a.findtext("iati-identifier") for a in tree.getroot().findall("iati-activity")}
        assert "XM-PALERMO-t-iati-prog" in idents
        assert "XM-PALERMO-OWN-ID-1" not in idents  # not published
        assert by_id(tree, "XM-PALERMO-t-iati-prog").findall("budget") == []
        assert by_id(tree, "XM-PALERMO-t-iati-prog").findall("transaction") == []
        assert counts["budgets"] == 0


class TestImport:
    def test_round_trip(self, records, secretariat, tmp_path):
        path, tree, _counts = exported(secretariat, tmp_path)
        result = iati.import_file(path, secretariat)
        assert result["created"] == len(tree.getroot().findall("iati-activity"))
        originals = [records[k] for k in ("programme", "child", "solo", "regional")]
        for original in originals:
            copy = Activity.objects.get(
                origin=Origin.PARTNER, iati_identifier=iati.identifier(original)
            )
            assert copy.title == original.title
            assert (copy.start, copy.end) == (original.start, original.end)
            assert set(copy.beneficiaries.all()) == set(original.beneficiaries.all())
            assert copy.published and copy.reporting_organisation.iati_ref == "XM-PALERMO"
        regional = Activity.objects.get(
            origin=Origin.PARTNER, iati_identifier="XM-PALERMO-t-iati-regional"
        )
        assert regional.regions == ["Western Africa", "Mekong region"]
        # Budgets: the stand-alone project's two GBP lines come back as the activity's cost;
        # the file's budget lines equal the ledger's.
        solo = Activity.objects.get(origin=Origin.PARTNER, iati_identifier="XM-PALERMO-OWN-ID-1")
        assert (solo.cost, solo.cost_currency) == (Decimal("1000.25"), "GBP")
        in_file = sorted(
            (Decimal(v.text), v.get("currency"), v.get("value-date")[:4])
            for v in by_id(tree, "XM-PALERMO-t-iati-prog").findall("budget/value")
        )
        ledger = sorted(
            (b.amount, b.currency, str(b.year))
            for b in Budget.objects.filter(project=records["project"])
        )
        assert in_file == ledger
        # A second import updates the same records.
        again = iati.import_file(path, secretariat)
        assert (again["created"], again["updated"]) == (0, result["created"])
        assert (
            Activity.objects.filter(
                origin=Origin.PARTNER, iati_identifier=solo.iati_identifier
            ).count()
            == 1
        )

    def test_the_spanish_sample_imports(self, secretariat):
        result = iati.import_file(SAMPLE, secretariat)
        assert result["created"] == 83 and result["updated"] == 0
        spain = Organisation.objects.get(iati_ref=SPAIN)
        assert spain.kind == "government"
        assert spain.name == "Ministry of Foreign Affairs and Cooperation, Spain"
        imported = Activity.objects.filter(origin=Origin.PARTNER, reporting_organisation=spain)
        assert imported.count() == 83
        assert not imported.exclude(beneficiaries__code="IDN").exists()
        assert not imported.filter(published=False).exists()
        first = imported.get(iati_identifier=f"{SPAIN}-009-001301")
        assert first.title == "Personas cooperantes voluntarias en organismos internacionales"
        assert (first.start, first.end) == (date(2011, 11, 1), date(2012, 11, 1))
        assert first.status == WorkStatus.COMPLETED  # IATI 3, finalisation
        assert (first.cost, first.cost_currency) == (Decimal("9270"), "EUR")
        assert first.source_row and "partner_example" in first.source
        run = first.import_run
        assert (run.importer, run.owner, run.created_count) == ("assistance.iati", secretariat, 83)
        assert run.file_name == SAMPLE.name and run.status == "applied"

    def test_invalid_xml_writes_nothing_and_names_the_line(self, secretariat, tmp_path):
        bad = tmp_path / "bad.xml"
        text = SAMPLE.read_text(encoding="utf-8")
        bad.write_text(text[: len(text) // 2], encoding="utf-8")
        before = (Activity.objects.count(), Organisation.objects.count())
        with pytest.raises(iati.IatiError, match=r"not well-formed XML.*line \d+"):
            iati.import_file(bad, secretariat)
        assert (Activity.objects.count(), Organisation.objects.count()) == before

    def test_a_schema_error_writes_nothing_and_names_the_line(self, secretariat, tmp_path):
        tree = etree.parse(str(SAMPLE))
        activities = tree.getroot().findall("iati-activity")
        broken = activities[5]
        broken.remove(broken.find("title"))
        line = broken.sourceline
        bad = tmp_path / "schema.xml"
        tree.write(str(bad), xml_declaration=True, encoding="UTF-8")
        before = (Activity.objects.count(), Organisation.objects.count())
        with pytest.raises(iati.IatiError, match="schema") as caught:
            iati.import_file(bad, secretariat)
        assert any("title" in message for _line, message in caught.value.errors)
        assert all(n and n >= line for n, _message in caught.value.errors)
        assert (Activity.objects.count(), Organisation.objects.count()) == before

    def test_one_bad_activity_stops_the_whole_file(self, secretariat, tmp_path):
        tree = etree.parse(str(SAMPLE))
        last = tree.getroot().findall("iati-activity")[-1]
        for element in last.findall("activity-date"):
            element.set("iso-date", "2012-01-01" if element.get("type") == "1" else "2011-01-01")
        bad = tmp_path / "backwards.xml"
        tree.write(str(bad), xml_declaration=True, encoding="UTF-8")
        with pytest.raises(iati.IatiError, match="ends before it starts"):
            iati.import_file(bad, secretariat)
        assert not Activity.objects.filter(
            origin=Origin.PARTNER, iati_identifier__startswith=SPAIN
        ).exists()
        assert not Organisation.objects.filter(iati_ref=SPAIN).exists()

    def test_only_the_secretariat_imports(self, focal_point):
        for user in (focal_point, AnonymousUser()):
            with pytest.raises(PermissionDenied):
                iati.import_file(SAMPLE, user)
        assert not Activity.objects.filter(iati_identifier__startswith=SPAIN).exists()
        assert not Organisation.objects.filter(iati_ref=SPAIN).exists()
