"""``palermo cooperation list|status|export|import``: the log on the command line, from the
practitioner's side and from the side of those it refuses."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from palermo.cooperation import services
from palermo.cooperation.cli_log import COLUMNS
from palermo.cooperation.models import Direction, Request
from palermo.core.choices import Role
from palermo.platform.models import ReadEvent
from tests.cooperation.test_services import (
    HOME,
    outgoing,
    sent,
)
from tests.factories import AuthorityFactory, ParticipantFactory, UserFactory, _participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return ParticipantFactory(code=HOME, name="Cooperationland (fictional)")


@pytest.fixture
def keeper(home):
    return AuthorityFactory(state=home, authority="Fictional Central Authority of Tests")


@pytest.fixture
def practitioner(home):
    return UserFactory(role=Role.PRACTITIONER, state=home)


def run(*args) -> str:
    out = io.StringIO()
    call_command("cooperation", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_list_shows_the_users_requests_as_json_with_filters(practitioner, keeper):
    draft = outgoing(practitioner, keeper)
    done = sent(practitioner, keeper, requested_state=_participant("FRA"))
    rows = json.loads(run("list", "--as", practitioner.username, "--json"))
    assert {r["id"] for r in rows} == {draft.pk, done.pk}
    row = next(r for r in rows if r["id"] == done.pk)
    assert (row["counterpart_state"], row["status"], row["sent_on"], row["keeping_state"]) == (
        "FRA",
        "sent",
        "2026-01-05",
        HOME,
    )
    assert set(row) == {"id", *COLUMNS}
    only = json.loads(run("list", "--as", practitioner.username, "--status", "draft", "--json"))
    assert [r["id"] for r in only] == [draft.pk]
    assert (
        json.loads(run("list", "--as", practitioner.username, "--direction", "incoming", "--json"))
        == []
    )
    assert ReadEvent.objects.filter(object_pk=str(draft.pk), surface="cli").exists()


def test_list_without_a_user_or_for_another_state_shows_nothing(practitioner, keeper):
    outgoing(practitioner, keeper)
    assert json.loads(run("list", "--json")) == []
    other = UserFactory(role=Role.PRACTITIONER, state="BRA")
    assert json.loads(run("list", "--as", other.username, "--json")) == []
    assert "No requests" in run("list")


def test_status_moves_a_request_by_number_or_reference(practitioner, keeper):
    request = sent(practitioner, keeper)
    answer = json.loads(
        run(
            "status",
            str(request.pk),
            "refused",
            "--on",
            "2026-02-03",
            "--grounds",
            "b,c",
            "--note",
            "Essential interests.",
            "--as",
            practitioner.username,
            "--json",
        )
    )
    assert answer["status"] == "refused"
    assert answer["refusal_grounds"] == ["b", "c"]
    assert answer["closed_on"] == "2026-02-03"
    assert answer["note"] == "Essential interests."
    other = sent(practitioner, keeper)
    text = run(
        "status",
        other.reference,
        "acknowledged",
        "--on",
        "2026-01-10",
        "--as",
        practitioner.username,
    )
    assert f"{other.reference} is now Acknowledged" in text


def test_status_errors_say_what_is_wrong(practitioner, keeper):
    request = outgoing(practitioner, keeper)
    with pytest.raises(CommandError, match="finalise it first"):
        run("status", str(request.pk), "sent", "--on", "2026-01-05", "--as", practitioner.username)
    with pytest.raises(CommandError, match="not a date"):
        run("status", str(request.pk), "sent", "--on", "5 Jan", "--as", practitioner.username)
    outsider = UserFactory(role=Role.PRACTITIONER, state="BRA")
    with pytest.raises(CommandError, match="No request"):
        run("status", str(request.pk), "withdrawn", "--on", "2026-01-05", "--as", outsider.username)
    request.refresh_from_db()
    assert request.status == "draft"


def test_a_viewer_cannot_change_the_status_from_the_command_line(practitioner, keeper):
    request = sent(practitioner, keeper)
    reader = UserFactory(role=Role.PRACTITIONER, state="BRA")
    services.share(request, to=reader, role="viewer", acting_user=practitioner)
    with pytest.raises(CommandError, match="does not allow"):
        run("status", str(request.pk), "withdrawn", "--on", "2026-02-01", "--as", reader.username)
    request.refresh_from_db()
    assert request.status == "sent"


def test_export_writes_one_row_per_visible_request(practitioner, keeper, tmp_path):
    request = sent(practitioner, keeper)
    services.transition(
        request, "refused", acting_user=practitioner, on=date(2026, 2, 1), grounds=["a"]
    )
    other = outgoing(practitioner, keeper)
    services.relate(request, other, acting_user=practitioner)
    outgoing(UserFactory(role=Role.PRACTITIONER, state="BRA"), AuthorityFactory(state="BRA"))
    path = tmp_path / "log.csv"
    run("export", "--as", practitioner.username, "-o", str(path))
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len(rows) == 2
    row = next(r for r in rows if r["reference"] == request.reference)
    assert row["status"] == "refused"
    assert row["refusal_grounds"] == "a"
    assert row["authority"] == "Fictional Central Authority of Tests"
    assert row["related"] == other.reference
    assert (row["requesting_state"], row["requested_state"]) == (HOME, "BRA")
    as_json = tmp_path / "log.json"
    run("export", "--as", practitioner.username, "--format", "json", "-o", str(as_json))
    assert {r["reference"] for r in json.loads(as_json.read_text())} == {
        r["reference"] for r in rows
    }
    assert ReadEvent.objects.filter(object_pk=str(request.pk), surface="export").exists()


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({name: "" for name in COLUMNS} | row)
    return path


def log_row(**values):
    return {
        "reference": "ARG-2025-900",
        "title": "Company records (fictional)",
        "direction": "outgoing",
        "kind": "mla",
        "status": "sent",
        "keeping_state": HOME,
        "authority": "Fictional Central Authority of Tests",
        "counterpart_state": "NGA",
        "sent_on": "2025-11-02",
        **values,
    }


def test_the_export_imports_back_and_a_known_reference_is_updated(practitioner, keeper, tmp_path):
    request = sent(practitioner, keeper)
    path = tmp_path / "log.csv"
    run("export", "--as", practitioner.username, "-o", str(path))
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0]["status"] = "executed"
    rows[0]["closed_on"] = "2026-04-01"
    rows.append(log_row())
    write_csv(path, rows)
    report = json.loads(run("import", str(path), "--as", practitioner.username, "--json"))
    assert (report["ok"], report["created"], report["updated"]) == (True, 1, 1), report["errors"]
    request.refresh_from_db()
    assert (request.status, request.closed_on) == ("executed", date(2026, 4, 1))
    new = Request.objects.get(reference="ARG-2025-900")
    assert (new.requested_state.code, new.sent_on, new.authority) == (
        "NGA",
        date(2025, 11, 2),
        keeper,
    )
    assert new.import_run_id is not None and new.source_row == 3
    assert new.events.get().status == "sent"
    again = json.loads(run("import", str(path), "--as", practitioner.username, "--json"))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert Request.objects.filter(authority=keeper).count() == 2


def test_an_incoming_row_is_received_from_the_counterpart(practitioner, keeper, tmp_path):
    path = write_csv(
        tmp_path / "in.csv",
        [
            log_row(
                reference="EG-77",
                direction="incoming",
                counterpart_state="EGY",
                sent_on="",
                received_on="2026-03-01",
                status="acknowledged",
                acknowledged_on="2026-03-04",
            )
        ],
    )
    run("import", str(path), "--as", practitioner.username)
    item = Request.objects.get(reference="EG-77")
    assert (item.direction, item.requesting_state.code, item.requested_state.code) == (
        Direction.INCOMING,
        "EGY",
        HOME,
    )


def test_a_bad_file_writes_nothing_and_names_row_and_field(practitioner, keeper, tmp_path):
    path = write_csv(
        tmp_path / "bad.csv",
        [
            log_row(reference="ARG-2025-901"),
            log_row(reference="ARG-2025-902", counterpart_state="XXX"),
            log_row(reference="ARG-2025-903", status="refused", closed_on="2026-01-01"),
            log_row(reference="ARG-2025-904", sent_on="2 Nov"),
            log_row(reference="ARG-2025-901"),
            log_row(reference="ARG-2025-905", authority="Nobody"),
        ],
    )
    report = json.loads(run_failing("import", str(path), "--as", practitioner.username, "--json"))
    located = {(e["row"], e["field"]) for e in report["errors"]}
    assert located == {
        (3, "counterpart_state"),
        (4, "refusal_grounds"),
        (5, "sent_on"),
        (6, "reference"),
        (7, "authority"),
    }
    assert any("no State with the code 'XXX'" in e["message"] for e in report["errors"])
    assert not Request.objects.filter(reference__startswith="ARG-2025-9").exists()


def run_failing(*args) -> str:
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("cooperation", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize(
    "make",
    [
        lambda: UserFactory(role=Role.PRACTITIONER, state="BRA"),
        lambda: UserFactory(role=Role.FOCAL_POINT, state=HOME),
    ],
    ids=["other-states-practitioner", "same-states-focal-point"],
)
def test_the_import_refuses_who_may_not_record_the_authoritys_requests(keeper, tmp_path, make):
    path = write_csv(tmp_path / "log.csv", [log_row()])
    with pytest.raises(CommandError):
        call_command(
            "cooperation",
            "import",
            str(path),
            "--as",
            make().username,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert not Request.objects.filter(reference="ARG-2025-900").exists()


def test_the_import_does_not_change_another_states_request(practitioner, keeper, tmp_path):
    brazilian = UserFactory(role=Role.PRACTITIONER, state="BRA")
    theirs = AuthorityFactory(state="BRA", authority="Fictional Brazilian Authority")
    request = outgoing(
        brazilian, theirs, requesting_state=_participant("BRA"), requested_state=_participant("ARG")
    )
    path = write_csv(
        tmp_path / "log.csv",
        [
            log_row(
                reference=request.reference,
                keeping_state="BRA",
                authority=theirs.authority,
                counterpart_state="ARG",
                status="withdrawn",
                closed_on="2026-02-01",
            )
        ],
    )
    report = json.loads(run_failing("import", str(path), "--as", practitioner.username, "--json"))
    assert [(e["row"], e["field"], e["kind"]) for e in report["errors"]] == [
        (2, "reference", "forbidden")
    ]
    request.refresh_from_db()
    assert request.status == "draft"


def test_a_spreadsheet_with_date_cells_is_read(practitioner, keeper, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    row = log_row(reference="ARG-2025-950")
    sheet.append(list(row))
    sheet.append([date(2025, 11, 2) if name == "sent_on" else value for name, value in row.items()])
    path = tmp_path / "log.xlsx"
    book.save(path)
    report = json.loads(run("import", str(path), "--as", practitioner.username, "--json"))
    assert report["ok"], report["errors"]
    assert Request.objects.get(reference="ARG-2025-950").sent_on == date(2025, 11, 2)
