"""``palermo cooperation check FILE.json``: the rules read the requested State from Treaties
and its Directory entry; a request that cannot be finalised exits with 1."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from palermo.directory.models import Area
from tests.factories import AuthorityFactory

pytestmark = pytest.mark.django_db

REQUEST = {
    "kind": "mla",
    "requesting_state": "ARG",
    "requested_state": "ESP",
    "requesting_authority": "Fictional Central Authority of Argentina",
    "subject_matter": "Laundering of the proceeds of trafficking in persons",
    "proceeding": "investigation",
    "conducting_authority": "Fictional Federal Prosecutor No. 3",
    "conducting_functions": "directs the investigation",
    "facts": "Fictional facts.",
    "purposes": ["records"],
    "assistance": "Certified copies of bank statements.",
    "persons": [{"name": "A. B.", "location": "Madrid", "nationality": "ARG"}],
    "purpose": "Evidence at trial",
    "offences": [
        {
            "name": "Money laundering",
            "max_penalty_years": 10,
            "dual_criminality": True,
            "organized_group": True,
            "group_size": 4,
            "transnational": ["several-states"],
        }
    ],
    "use_limited_to_request": True,
    "language": "es",
    "channel": "central_authority",
}


def run(tmp_path, capsys, request=REQUEST, *extra):
    path = tmp_path / "request.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    code = 0
    try:
        call_command("cooperation", "check", str(path), "--json", *extra)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def spain_entry():
    return AuthorityFactory(
        state="ESP",
        area=Area.objects.get(code="mla"),
        languages=["es"],
        channels=["central_authority", "diplomatic"],
        convention_legal_basis=True,
        requirements="Requests must be signed (fictional requirement).",
    )


def test_a_complete_request_to_a_party_with_an_entry(tmp_path, capsys, spain_entry):
    code, report = run(tmp_path, capsys)
    assert code == 0 and report["finalisable"] and report["requested_state"] == "ESP"
    messages = [f["message"] for f in report["findings"]]
    assert (
        "The requested State's requirements: Requests must be signed (fictional requirement)."
        in messages
    )


def test_the_directory_decides_the_language(tmp_path, capsys, spain_entry):
    code, report = run(tmp_path, capsys, {**REQUEST, "language": "en"})
    assert code == 1 and report["blocking"] == ["18-14"]
    finding = next(f for f in report["findings"] if f["code"] == "18-14")
    assert (finding["article"], finding["paragraph"], finding["field"]) == ("18", "14", "language")
    assert "es" in finding["message"]


def test_the_treaties_record_decides_whether_the_convention_applies(tmp_path, capsys, spain_entry):
    # On a day before the Convention was in force for Spain, it is not (yet) a party.
    code, report = run(tmp_path, capsys, REQUEST, "--on", "2001-01-01")
    assert code == 1 and "party" in report["blocking"]


def test_without_an_entry_the_channel_must_still_be_chosen(tmp_path, capsys):
    code, report = run(tmp_path, capsys, {**REQUEST, "channel": ""})
    codes = [f["code"] for f in report["findings"]]
    assert "directory-missing" in codes and code == 1


def test_bad_files_are_named(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="bad.json: not JSON"):
        call_command("cooperation", "check", str(path))
    path.write_text(json.dumps({**REQUEST, "deadline": "soon"}), encoding="utf-8")
    with pytest.raises(CommandError, match="bad.json: deadline: 'soon' is not a date"):
        call_command("cooperation", "check", str(path))
    path.write_text(json.dumps({**REQUEST, "requested_state": "XXX"}), encoding="utf-8")
    with pytest.raises(CommandError, match="no State with the code 'XXX'"):
        call_command("cooperation", "check", str(path))
    with pytest.raises(CommandError, match="no such file"):
        call_command("cooperation", "check", str(tmp_path / "missing.json"))
