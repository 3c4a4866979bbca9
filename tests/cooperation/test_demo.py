"""The demo requests: loaded by ``palermo demo``'s loaders, fictional, varied, idempotent."""

from datetime import date

import pytest

from palermo.cooperation import demo, services
from palermo.cooperation.models import Direction, Request
from palermo.core.models import User
from palermo.platform.jobs import Progress
from palermo.platform.policies import restrict
from palermo.platform.registry import DEMO_LOADERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    import palermo.cooperation.module  # noqa: F401  (registers the loader, as apps.py will)

    loader = next(item for item in DEMO_LOADERS if item.key == "cooperation")
    summary, _notes = loader.load(Progress())
    assert summary == "7 fictional requests for cooperation"
    return Request.objects.filter(is_demo=True, reference__contains="DEMO")


def test_the_loader_runs_after_the_directorys_demo():
    import palermo.cooperation.module  # noqa: F401

    keys = [item.key for item in DEMO_LOADERS]
    assert keys.index("directory") < keys.index("cooperation")


def test_demo_requests_are_fictional_and_varied(loaded):
    assert loaded.count() == 7
    assert all("(fictional" in r.title and r.is_demo for r in loaded)
    outgoing = loaded.filter(direction=Direction.OUTGOING)
    assert {r.requested_state.code for r in outgoing} == {"BRA", "EGY", "FRA", "NGA", "JPN"}
    assert {r.language for r in outgoing} == {"pt", "ar", "fr", "en", "ja"}
    assert loaded.filter(direction=Direction.INCOMING).count() == 2
    assert set(loaded.values_list("status", flat=True)) >= {
        "draft",
        "sent",
        "under_execution",
        "executed",
        "refused",
        "acknowledged",
    }
    refused = loaded.get(status="refused")
    assert refused.refusal_grounds == ["c"]
    assert refused.documents.filter(way="received").exists()
    executed = loaded.get(status="executed")
    assert executed.sent_on < executed.acknowledged_on < executed.closed_on
    assert [r.reference for r in loaded.get(reference="ARG-DEMO-04").related.all()] == [
        "ARG-DEMO-01"
    ]


def test_the_demo_practitioner_sees_them_and_the_demo_has_work_for_the_reminders(loaded):
    practitioner = User.objects.get(username="practitioner")
    assert restrict(loaded, practitioner).count() == 7
    due = {r.reference for r in services.due_reminders(date.today())}
    assert {"ARG-DEMO-02", "ARG-DEMO-04", "FR-DEMO-2026-0042"} <= due
    stats = {row["code"]: row for row in services.counterpart_stats(practitioner)}
    assert stats["FRA"]["refusals_by_ground"] == {"c": 1}
    assert stats["BRA"]["executed"] == 1


def test_the_draft_is_stopped_by_a_missing_essential_and_the_bank_request_is_complete(loaded):
    practitioner = User.objects.get(username="practitioner")
    draft = loaded.get(reference="ARG-DEMO-05")
    assert "18-15-f" in [f.code for f in services.check(draft, user=practitioner).blocking]
    bank = loaded.get(reference="ARG-DEMO-01")
    report = services.check(bank, user=practitioner)
    assert not [f for f in report.blocking if f.code in ("18-14", "18-15-f", "18-15-d")]


def test_loading_twice_changes_nothing(loaded):
    before = sorted(loaded.values_list("reference", "status", "updated"))
    events = sum(r.events.count() for r in loaded)
    assert demo.load_demo() == 7
    assert sorted(loaded.values_list("reference", "status", "updated")) == before
    assert sum(r.events.count() for r in loaded) == events
