"""Treaty statuses, counts and the rule engine are cached under the treaty data's version
(``module.TREATY_DATA``). After every kind of write that changes a result, the page, the API
and the command line show the new one at once: an action recorded, deleted (one, or a
queryset), imported (new actions, and vague kinds made precise, both in bulk), an instrument's
facts changed, a participant added or changed; a rolled-back write shows nothing; a new day is
a new key. The last test runs a site in separate processes sharing the file cache: each
process sees the others' writes and imports, and a restored backup shows the backup's data.

Each warms the caches first (the user saw the old result), then writes, then looks again."""

import json
import subprocess
import sys
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from palermo.core.models import Participant
from palermo.core.services import create_api_token
from palermo.platform.imports import run_import
from palermo.treaties import queries, services
from palermo.treaties.models import Instrument, TreatyAction
from palermo.treaties.module import TREATY_DATA
from tests.core.conftest import fresh_site  # noqa: F401  (a site of its own, in other processes)
from tests.factories import ParticipantFactory, record_action

pytestmark = pytest.mark.django_db

ON = "2021-01-01"
UNTOC = "United Nations Convention against Transnational Organized Crime (UNTC XVIII-12)"
HEADER = "instrument,participant,signature_date,deposit_date,action_type\n"


def seen(code="QTL", on=ON) -> dict:
    """What a reader sees of ``code``'s UNTOC status on ``on``, and of the party count, on the
    participants page, through the API and from ``palermo treaty-status``."""
    client = Client()
    page = client.get("/treaties/participants/", {"instrument": "UNTOC", "on": on, "q": code})
    html = BeautifulSoup(page.content, "html.parser")
    row = html.select_one("#results table.data-table tbody tr")
    status = client.get("/api/treaties/status", {"instrument": "UNTOC", "on": on, "q": code})
    counts = client.get("/api/treaties/counts", {"instrument": "UNTOC", "on": on}).json()
    out = _command("treaty_status", instrument="UNTOC", on=on, json=True, all=True)
    cli = {p["code"]: p for p in out["participants"]}
    return {
        "page": row.select_one("span.status").get_text(strip=True) if row else None,
        "page_summary": html.select_one("p.summary").get_text(" ", strip=True),
        "api": status.json()["items"][0]["status"],
        "cli": cli[code]["status"],
        "parties_api": counts["parties"],
        "parties_cli": out["counts"]["parties"],
    }


def _command(*args, **options):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out, **options)
    return json.loads(out.getvalue())


def as_party(parties: int) -> dict:
    return {"page": "Party", "api": "party", "cli": "party", "parties": parties}


def summary(view: dict) -> dict:
    """The status on each surface, and the party count if both surfaces agree on it."""
    assert view["parties_api"] == view["parties_cli"]
    assert f"{view['parties_api']} parties" in view["page_summary"]
    return {
        "page": view["page"],
        "api": view["api"],
        "cli": view["cli"],
        "parties": view["parties_api"],
    }


def no_action(parties: int) -> dict:
    return {"page": "No action", "api": "none", "cli": "none", "parties": parties}


def test_an_action_recorded_shows_at_once_everywhere(testland, secretariat):
    before = summary(seen())
    assert before == no_action(before["parties"])
    record_action(testland, acting_user=secretariat)  # a ratification of 2020-02-02
    assert summary(seen()) == as_party(before["parties"] + 1)


def test_an_action_deleted_through_the_service_is_gone_at_once(testland, secretariat):
    action = record_action(testland, acting_user=secretariat)
    before = summary(seen())
    assert before["page"] == "Party"
    services.delete_action(acting_user=secretariat, action=action)
    assert summary(seen()) == no_action(before["parties"] - 1)


def test_actions_deleted_as_a_queryset_are_gone_at_once(testland, secretariat):
    record_action(testland, acting_user=secretariat)
    before = summary(seen())
    TreatyAction.objects.filter(participant=testland).delete()
    assert summary(seen()) == no_action(before["parties"] - 1)


def test_actions_imported_in_bulk_show_at_once(testland, secretariat):
    before = summary(seen())
    report = run_import(
        "treaty-actions",
        "testland.csv",
        (HEADER + f"{UNTOC},Testland,2001-01-01,2020-02-02,ratification\n").encode(),
        acting_user=secretariat,
    )
    assert report.ok and report.created == 2, report.errors
    assert summary(seen()) == as_party(before["parties"] + 1)


def test_an_import_that_makes_a_vague_kind_precise_shows_at_once(testland, secretariat):
    """The importer's bulk update (no signal): "consent" becomes "accession"."""
    record_action(testland, acting_user=secretariat, kind="consent_unspecified")
    client = Client()

    def consent_kind():
        profile = client.get("/api/treaties/participants/QTL").json()
        untoc = next(i for i in profile["instruments"] if i["instrument"] == "UNTOC")
        return untoc["consent"]["kind"]

    assert consent_kind() == "consent_unspecified"
    report = run_import(
        "treaty-actions",
        "testland.csv",
        (HEADER + f"{UNTOC},Testland,,2020-02-02,accession\n").encode(),
        acting_user=secretariat,
    )
    assert report.ok and report.updated == 1, report.errors
    assert consent_kind() == "accession"


@pytest.fixture
def secretariat_api(secretariat):
    _token, key = create_api_token(acting_user=secretariat, name="test script")
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_an_official_entry_into_force_changed_shows_at_once(secretariat_api):
    """The Convention's parties on 15 October 2003 are those bound when it entered into force
    on 29 September; moved to 1 December, there are none yet that day."""
    untoc = Instrument.objects.get(code="UNTOC")
    before = summary(seen("ARG", on="2003-10-15"))
    assert before["parties"] > 0
    response = secretariat_api.put(
        "/api/treaties/instruments/UNTOC/facts",
        {
            "official_entry_into_force": "2003-12-01",
            "entry_into_force_source": untoc.entry_into_force_source,
            "actions_complete": untoc.actions_complete,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    after = summary(seen("ARG", on="2003-10-15"))
    assert after["parties"] == 0
    assert after["page"] == "Consented, not yet in force"
    facts = Client().get("/api/treaties/instruments/UNTOC").json()
    assert facts["entry_into_force"] == "2003-12-01"


def test_a_threshold_changed_moves_the_derived_entry_into_force():
    """A fact written through the ORM (as ``load_instruments`` updates an instrument)."""
    client = Client()

    def derived():
        return client.get("/api/treaties/instruments/UNTOC").json()["entry_into_force_derived"]

    before = derived()
    untoc = Instrument.objects.get(code="UNTOC")
    untoc.threshold = 100
    untoc.save()
    assert derived() > before


def test_a_participant_added_is_named_in_the_rules_answers(secretariat_api):
    """The engine names participants in its refusals: one added since it was built is named,
    not given by its code."""
    assert summary(seen("ARG"))["page"] == "Party"  # the engine is built and cached
    ParticipantFactory(code="QNL", name="Newland")
    response = secretariat_api.post(
        "/api/treaties/actions",
        {
            "participant": "QNL",
            "instrument": "UNTOC",
            "kind": "signature",
            "date": "2003-06-01",  # after the period of signature closed
            "source": "test",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0].startswith("Newland cannot sign UNTOC on 2003-06-01")


def test_a_participant_renamed_is_renamed_in_its_notes(user_client):
    """Bahamas' ratification of the Firearms Protocol without a signature is accepted as the
    depositary records it, with a note naming Bahamas."""
    client = user_client("observer")

    def notes():
        page = BeautifulSoup(client.get("/participants/BHS/").content, "html.parser")
        return " ".join(li.get_text(" ", strip=True) for li in page.select("aside.notice li"))

    assert "Bahamas cannot ratify FIREARMS" in notes()
    bahamas = Participant.objects.get(code="BHS")
    bahamas.name = "Commonwealth of The Bahamas"
    bahamas.save()
    assert "Commonwealth of The Bahamas cannot ratify FIREARMS" in notes()


def test_a_rolled_back_write_changes_no_result_and_no_version(testland, secretariat):
    before, version = summary(seen()), TREATY_DATA.version()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_action(testland, acting_user=secretariat)
        assert summary(seen())["page"] == "Party"  # inside the transaction, it counts
        raise RuntimeError("the request failed later")
    assert TREATY_DATA.version() == version
    assert summary(seen()) == before


def test_the_results_of_one_day_are_not_served_the_next(testland, secretariat, monkeypatch):
    """The rules refuse an action dated after today: the same data give another answer on an
    earlier day, so the day is part of every key."""
    record_action(testland, acting_user=secretariat)  # dated 2020-02-02
    assert queries.TreatyResults().status("QTL", "UNTOC", date(2021, 1, 1)) == "party"

    class Earlier(date):
        @classmethod
        def today(cls):
            return date(2020, 1, 1)

    monkeypatch.setattr(queries, "date", Earlier)
    assert queries.TreatyResults().status("QTL", "UNTOC", date(2021, 1, 1)) == "none"


# -- several processes, one file cache ---------------------------------------------------------

KOREA_CSV = (
    "instrument,participant,signature_date,deposit_date,action_type\n"
    "UNTOC,Republic of Korea,2000-12-13,2015-11-05,ratification\n"
)
WRITE = (
    "import datetime; "
    "from palermo.core.models import Participant; "
    "from palermo.platform.actors import system_user; "
    "from palermo.treaties import services; "
    "from palermo.treaties.models import Instrument, TreatyAction; "
)
DELETE_RATIFICATION = WRITE + (
    "services.delete_action(acting_user=system_user(), action=TreatyAction.objects.get("
    "instrument__code='UNTOC', participant__code='KOR', kind='ratification'))"
)
DENOUNCE = WRITE + (
    "services.record_action(acting_user=system_user(), "
    "participant=Participant.objects.get(code='KOR'), instrument=Instrument.objects.get("
    "code='UNTOC'), kind='denunciation', date=datetime.date(2024, 1, 1), source='test')"
)


def palermo(env, *args) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "palermo.cli", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def korea(env) -> str:
    """The Republic of Korea's UNTOC status on 2030-01-01, read by a new process."""
    out = palermo(env, "treaty-status", "--instrument", "UNTOC", "--on", "2030-01-01", "--json")
    return {p["code"]: p["status"] for p in json.loads(out)["participants"]}["KOR"]


def test_each_process_sees_the_others_writes_and_a_restore_brings_back_the_backup(
    fresh_site,  # noqa: F811
    tmp_path,
):
    env = fresh_site
    palermo(env, "migrate", "--no-input", "-v", "0")
    palermo(env, "load-reference")
    assert korea(env) == "party"  # ratified 2015-11-05; now in the shared file cache
    palermo(env, "shell", "-c", DELETE_RATIFICATION)
    assert korea(env) == "signatory"
    path = tmp_path / "korea.csv"
    path.write_text(KOREA_CSV)
    palermo(env, "import", "treaty-actions", path)  # bulk: no signal
    assert korea(env) == "party"

    archive = tmp_path / "site.tar.gz"
    palermo(env, "backup", archive)
    palermo(env, "shell", "-c", DELETE_RATIFICATION)
    assert korea(env) == "signatory"
    palermo(env, "restore", archive, "--force")
    assert korea(env) == "party"
    # A write after the restore is a version never seen before, not the one that followed the
    # backup last time (whose results, for other data, are still in the cache).
    palermo(env, "shell", "-c", DENOUNCE)
    assert korea(env) == "denounced"
