"""``palermo analysis``: create a workspace, add a member, import with a ready mapping (and
--json), export FollowTheMoney JSON lines and CSV — members only, logged."""

import csv
import json

import pytest
from django.core.management import CommandError, call_command
from followthemoney import model

from palermo.analysis.models import Entity, Investigation, Statement
from palermo.platform.models import ReadEvent

from .helpers import person, sample

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("analysis", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_whole_journey(tmp_path):
    owner, viewer, outsider = person("a3-cli-owner"), person("a3-cli-viewer"), person("a3-cli-x")
    out, _ = run(
        "workspace", "create", "Operation Orca (fictional)", "--owner", owner.username, "--json"
    )
    created = json.loads(out)
    investigation = Investigation.objects.get(pk=created["id"])
    run(
        "member",
        "Operation Orca (fictional)",
        viewer.username,
        "--role",
        "viewer",
        "--as",
        owner.username,
    )

    out, _ = run(
        "import",
        str(investigation.pk),
        str(sample("payments.csv")),
        "--mapping",
        "payments",
        "--as",
        owner.username,
        "--json",
    )
    report = json.loads(out)
    assert report["ok"] and report["rows"] == 4
    with sample("payments.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    # a payment per row, the parties and accounts once each, one holding per party and account
    parties = {r[k] for r in rows for k in ("Ordering party", "Beneficiary")}
    accounts = {r[k] for r in rows for k in ("Ordering account", "Beneficiary account")}
    holdings = {
        (r[p], r[a])
        for r in rows
        for p, a in (("Ordering party", "Ordering account"), ("Beneficiary", "Beneficiary account"))
    }
    assert report["created"] == len(rows) + len(parties) + len(accounts) + len(holdings)

    target = tmp_path / "orca.jsonl"
    run(
        "export",
        str(investigation.pk),
        "--format",
        "ftm-jsonl",
        "-o",
        str(target),
        "--as",
        viewer.username,
    )
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert len(lines) == Entity.objects.filter(investigation=investigation).count()
    for data in lines:  # each is an entity followthemoney itself reads back
        proxy = model.get_proxy(data)
        assert proxy.id and proxy.schema.name == data["schema"]
    payments = [d for d in lines if d["schema"] == "Payment"]
    assert sorted(p["properties"]["amount"][0] for p in payments) == sorted(
        r["Amount"].replace(",", "") for r in rows
    )
    assert ReadEvent.objects.filter(
        user=viewer, surface="export", content_type__model="entity"
    ).count() == len(lines)

    table = tmp_path / "orca.csv"
    run("export", investigation.title, "--format", "csv", "-o", str(table), "--as", owner.username)
    with table.open() as handle:
        exported = list(csv.DictReader(handle))
    assert len(exported) == Statement.objects.filter(investigation=investigation).count()
    assert {"PETROV, Ivan"} <= {r["original_value"] for r in exported}
    assert {r["file"] for r in exported} == {"payments.csv"}

    for who in (outsider.username, None):
        args = ["export", str(investigation.pk), "--format", "csv"]
        with pytest.raises(CommandError, match="No investigation"):
            run(*args, *(["--as", who] if who else []))
    with pytest.raises(CommandError):
        run(
            "import",
            str(investigation.pk),
            str(sample("calls.csv")),
            "--mapping",
            "calls",
            "--as",
            viewer.username,
        )


def test_a_bad_file_exits_with_its_errors():
    owner = person("a3-cli-owner2")
    out, _ = run("workspace", "create", "Bad file (fictional)", "--owner", owner.username, "--json")
    pk = str(json.loads(out)["id"])
    with pytest.raises(CommandError, match="Nothing was imported"):
        run("import", pk, str(sample("bad_payments.csv")), "--mapping", "payments")
    assert not Entity.objects.filter(investigation_id=pk).exists()
    with pytest.raises(CommandError, match="ready mapping"):
        run("import", pk, str(sample("calls.csv")), "--mapping", "phonebook")
