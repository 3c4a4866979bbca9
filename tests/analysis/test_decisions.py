"""The decisions service: append-only decisions, transitive clusters, conflicts shown,
withdrawals that undo, merged entities that keep every statement, and who may decide."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.analysis import decisions, services
from palermo.analysis.models import Decision, Entity, Statement

from .helpers import team

pytestmark = pytest.mark.django_db

PARTIES = (
    "Surname,Given names,Role,Case number,Born,Nationality,Passport,Sample\n"
    "Petrov,Aleksandr,suspect,RG 1/2024,1979-11-02,BG,X0000001,fictional\n"
    "Петров,Александр,defendant,RG 2/2024,1979-11-02,BG,X 0000001,fictional\n"
    "Petrov,A.,witness,RG 3/2024,1979-11-02,BG,,fictional\n"
    "Bellini,Marco,witness,RG 1/2024,1985-07-02,IT,,fictional\n"
)


def load_parties(investigation, user, tmp_path, text=PARTIES, name="parties.csv"):
    sheet = tmp_path / name
    sheet.write_text(text, encoding="utf-8")
    report = services.import_file(investigation, sheet, mapping="cases", acting_user=user)
    assert report.ok, report.errors
    people = Entity.objects.filter(investigation=investigation, schema="Person")
    return {e.caption: e for e in people}


@pytest.fixture
def case(tmp_path):
    investigation, owner, editor, viewer, outsider = team()
    people = load_parties(investigation, owner, tmp_path)
    latin, cyrillic, initial = (
        people["Aleksandr Petrov"],
        people["Александр Петров"],
        people["A. Petrov"],
    )
    return investigation, owner, editor, viewer, outsider, (latin, cyrillic, initial), people


def test_an_accept_is_recorded_and_audited_with_who_and_why(case):
    investigation, _owner, editor, *_rest, (latin, cyrillic, _i), _people = case
    decision = decisions.decide(
        investigation,
        cyrillic,
        latin,
        verdict="accept",
        reason="Same passport, same birth date",
        score=0.99,
        acting_user=editor,
    )
    assert decision.made_by == editor
    # The pair is kept in one order, whichever side was named first.
    assert (decision.left_id, decision.right_id) == tuple(sorted([latin.pk, cyrillic.pk]))
    entry = LogEntry.objects.get_for_object(decision).get()
    assert entry.actor == editor
    assert entry.changes_dict["reason"][1] == "Same passport, same birth date"
    assert entry.changes_dict["verdict"][1] == "accept"


def test_accepts_are_transitive_and_the_merged_entity_keeps_every_statement(case):
    investigation, owner, *_rest, (latin, cyrillic, initial), people = case
    decisions.decide(
        investigation, latin, cyrillic, verdict="accept", reason="r", acting_user=owner
    )
    decisions.decide(
        investigation, cyrillic, initial, verdict="accept", reason="r", acting_user=owner
    )
    state = decisions.state_of(investigation, owner)
    assert state.same(latin.pk, initial.pk)  # A = B, B = C: A = C
    assert not state.same(latin.pk, people["Marco Bellini"].pk)
    assert state.merged_groups() == [frozenset({latin.pk, cyrillic.pk, initial.pk})]

    merged = decisions.merged(investigation, initial, owner)
    assert {m.pk for m in merged.members} == {latin.pk, cyrillic.pk, initial.pk}
    everything = set(
        Statement.objects.filter(entity__in=[latin, cyrillic, initial]).values_list("pk", flat=True)
    )
    assert {s.pk for s in merged.statements} == everything
    names = merged.properties["name"]
    assert {"Aleksandr Petrov", "Александр Петров", "A. Petrov"} <= set(names)
    # Each value names the record and the row it comes from.
    cyr = next(v for v in merged.values if v.value == "Александр Петров")
    assert [(s.entity_id, s.source_file, s.source_row) for s in cyr.statements] == [
        (cyrillic.pk, "parties.csv", 3)
    ]
    # Nothing was rewritten: each entity keeps its own statements.
    assert latin.statements.count() and Entity.objects.filter(pk=initial.pk).exists()


def test_a_rejection_inside_a_cluster_is_a_conflict_shown_and_not_applied(case):
    investigation, owner, *_rest, (latin, cyrillic, initial), _people = case
    decisions.decide(
        investigation, latin, cyrillic, verdict="accept", reason="r", acting_user=owner
    )
    decisions.decide(
        investigation, cyrillic, initial, verdict="accept", reason="r", acting_user=owner
    )
    decisions.decide(
        investigation, latin, initial, verdict="reject", reason="A. is his son", acting_user=owner
    )
    state = decisions.state_of(investigation, owner)
    assert not state.same(latin.pk, initial.pk)
    [conflict] = state.conflicts
    assert "A. Petrov" in conflict.text and "Aleksandr Petrov" in conflict.text
    assert state.conflict_for(latin.pk, initial.pk) is conflict


def test_a_withdrawal_undoes_the_verdict_in_force(case):
    investigation, owner, *_rest, (latin, cyrillic, _i), _people = case
    decisions.decide(
        investigation, latin, cyrillic, verdict="accept", reason="r", acting_user=owner
    )
    decisions.decide(
        investigation, latin, cyrillic, verdict="reject", reason="second look", acting_user=owner
    )
    state = decisions.state_of(investigation, owner)
    assert state.verdict(latin.pk, cyrillic.pk).verdict == "reject"
    assert not state.same(latin.pk, cyrillic.pk)

    decisions.decide(
        investigation, cyrillic, latin, verdict="withdraw", reason="wrong pair", acting_user=owner
    )
    state = decisions.state_of(investigation, owner)
    assert state.verdict(latin.pk, cyrillic.pk).verdict == "accept"  # back to the accept
    assert state.same(latin.pk, cyrillic.pk)

    decisions.decide(
        investigation, latin, cyrillic, verdict="withdraw", reason="undecided", acting_user=owner
    )
    state = decisions.state_of(investigation, owner)
    assert state.verdict(latin.pk, cyrillic.pk) is None
    assert not state.same(latin.pk, cyrillic.pk)
    # Append-only: four decisions kept, none changed.
    assert list(
        Decision.objects.filter(investigation=investigation).values_list("verdict", flat=True)
    ) == ["accept", "reject", "withdraw", "withdraw"]


def test_nothing_to_withdraw_is_an_error(case):
    investigation, owner, *_rest, (latin, cyrillic, _i), _people = case
    with pytest.raises(ValidationError, match="no decision on .* to withdraw"):
        decisions.decide(
            investigation, latin, cyrillic, verdict="withdraw", reason="r", acting_user=owner
        )
    assert not Decision.objects.exists()


def test_bad_decisions_say_what_is_wrong(case, tmp_path):
    investigation, owner, *_rest, (latin, cyrillic, _i), _people = case
    with pytest.raises(ValidationError, match="Say why"):
        decisions.decide(
            investigation, latin, cyrillic, verdict="accept", reason="  ", acting_user=owner
        )
    with pytest.raises(ValidationError, match="“maybe” is not a decision"):
        decisions.decide(
            investigation, latin, cyrillic, verdict="maybe", reason="r", acting_user=owner
        )
    with pytest.raises(ValidationError, match="paired with itself"):
        decisions.decide(
            investigation, latin, latin, verdict="accept", reason="r", acting_user=owner
        )
    company = Entity.objects.create(
        investigation=investigation, ftm_id="co-1", schema="Company", caption="Petrov Ltd"
    )
    with pytest.raises(ValidationError, match="a person is never an organisation"):
        decisions.decide(
            investigation, latin, company, verdict="accept", reason="r", acting_user=owner
        )
    account = Entity.objects.create(
        investigation=investigation, ftm_id="acc-1", schema="BankAccount", caption="DE89"
    )
    with pytest.raises(ValidationError, match="only Person, Company"):
        decisions.decide(
            investigation, latin, account, verdict="reject", reason="r", acting_user=owner
        )
    other = services.create_investigation(title="Other (fictional)", acting_user=owner)
    stranger = Entity.objects.create(
        investigation=other, ftm_id="p-9", schema="Person", caption="Someone"
    )
    with pytest.raises(ValidationError, match="not in this investigation"):
        decisions.decide(
            investigation, latin, stranger, verdict="accept", reason="r", acting_user=owner
        )
    assert not Decision.objects.exists()


def test_a_viewer_and_an_outsider_cannot_decide(case):
    investigation, _owner, _editor, viewer, outsider, (latin, cyrillic, _i), _people = case
    for user in (viewer, outsider):
        with pytest.raises(PermissionDenied):
            decisions.decide(
                investigation, latin, cyrillic, verdict="accept", reason="r", acting_user=user
            )
    with pytest.raises(PermissionDenied):
        decisions.state_of(investigation, outsider)
    assert not Decision.objects.exists()
