"""Every write of the Treaties module goes through a service: permission, rule engine, one
transaction, audit trail, notifications."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.core.choices import Role
from palermo.core.models import Notification, Participant
from palermo.treaties import services
from palermo.treaties.models import Declaration, TreatyAction
from palermo.treaties.queries import get_engine
from tests.factories import (
    DeclarationFactory,
    InstrumentFactory,
    UserFactory,
    record_action,
)

OTHER_ROLES = [role for role in Role if role != Role.SECRETARIAT]


# -- treaty actions ----------------------------------------------------------------------------


def test_record_action_is_audited_with_its_actor_and_changes_the_status(testland, secretariat):
    action = record_action(testland, acting_user=secretariat)
    entry = LogEntry.objects.get_for_object(action).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == secretariat
    assert entry.changes_dict["date"] == ["None", "2020-02-02"]
    engine = get_engine()
    assert engine.status("QTL", "UNTOC", date(2020, 3, 2)).value == "contracting"
    assert engine.status("QTL", "UNTOC", date(2020, 3, 3)).value == "party"


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_record_action_refuses_other_roles(testland, role):
    with pytest.raises(PermissionDenied, match=r"treaties\.add_treatyaction"):
        record_action(testland, acting_user=UserFactory(role=role))
    assert not TreatyAction.objects.filter(participant=testland).exists()


def test_record_action_refuses_what_the_final_clauses_forbid(testland, otherland, secretariat):
    record_action(testland, acting_user=secretariat)
    with pytest.raises(ValidationError) as refused:
        record_action(testland, acting_user=secretariat, kind="accession", date=date(2021, 1, 1))
    assert refused.value.messages == [
        "Testland cannot accede to UNTOC on 2021-01-01: it is already bound by its instrument of "
        "ratification of 2020-02-02; a second instrument is a duplicate."
    ]
    # A denunciation before consent is refused too, citing the article.
    with pytest.raises(ValidationError, match=r"UNTOC art\. 40\(1\)"):
        record_action(otherland, acting_user=secretariat, kind="denunciation")
    assert TreatyAction.objects.filter(participant__in=[testland, otherland]).count() == 1


def test_record_action_checks_protocols_against_the_convention(testland, secretariat):
    untoc = InstrumentFactory()
    untoc.actions_complete = True
    untoc.save()
    with pytest.raises(ValidationError, match=r"not a party to the Convention \(UNTOC art\. 37"):
        record_action(testland, acting_user=secretariat, instrument=InstrumentFactory(code="TIP"))
    # Once Testland is bound by the Convention, the Protocol is accepted. (It signed first:
    # with complete data a ratification needs a signature, art. 36(3).)
    record_action(testland, acting_user=secretariat, kind="signature", date=date(2001, 1, 1))
    record_action(testland, acting_user=secretariat)
    tip = record_action(
        testland,
        acting_user=secretariat,
        instrument=InstrumentFactory(code="TIP"),
        date=date(2020, 6, 1),
    )
    assert get_engine().entry_into_force_for("QTL", "TIP") == date(2020, 7, 1)
    assert tip.pk


def test_delete_action_is_audited_and_refused_to_others(testland, secretariat):
    action = record_action(testland, acting_user=secretariat)
    pk = action.pk
    for role in OTHER_ROLES:
        with pytest.raises(PermissionDenied):
            services.delete_action(acting_user=UserFactory(role=role), action=action)
    assert TreatyAction.objects.filter(pk=pk).exists()
    services.delete_action(acting_user=secretariat, action=action)
    assert not TreatyAction.objects.filter(pk=pk).exists()
    deleted = LogEntry.objects.get(
        object_pk=str(pk), action=LogEntry.Action.DELETE, content_type__model="treatyaction"
    )
    assert deleted.actor == secretariat
    assert get_engine().status("QTL", "UNTOC", date(2021, 1, 1)).value == "none"


# -- declarations ------------------------------------------------------------------------------


def test_focal_point_declaration_notifies_the_secretariat(
    focal_point, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        declaration = services.save_declaration(
            acting_user=focal_point, declaration=DeclarationFactory.build()
        )
    assert declaration.pk
    title = "Argentina updated: Central authority for mutual legal assistance (art. 18(13))"
    notes = Notification.objects.filter(title=title)
    assert [n.recipient.username for n in notes] == ["secretariat"]
    assert notes[0].url == "/participants/ARG/"
    assert notes[0].body == "Recorded by Demo National focal point."
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["secretariat@example.org"]
    assert mail.outbox[0].subject.startswith("[Palermo] Argentina updated")
    assert "/participants/ARG/" in mail.outbox[0].body
    assert LogEntry.objects.get_for_object(declaration).get().actor == focal_point


def test_secretariat_declaration_notifies_nobody(secretariat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.save_declaration(
            acting_user=secretariat, declaration=DeclarationFactory.build(state="BRA")
        )
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_focal_point_cannot_declare_for_another_state(focal_point):
    with pytest.raises(PermissionDenied, match=r"treaties\.add_declaration"):
        services.save_declaration(
            acting_user=focal_point, declaration=DeclarationFactory.build(state="BRA")
        )
    assert not Declaration.objects.filter(participant__code="BRA").exists()
    assert not Notification.objects.exists()


def test_focal_point_cannot_move_their_declaration_to_another_state(focal_point):
    declaration = Declaration.objects.get(participant__code="ARG", subject="central_authority")
    declaration.participant = Participant.objects.get(code="BRA")
    with pytest.raises(PermissionDenied):
        services.save_declaration(acting_user=focal_point, declaration=declaration)
    assert Declaration.objects.get(pk=declaration.pk).participant.code == "ARG"


def test_focal_point_cannot_take_over_another_states_declaration(focal_point, secretariat):
    brazil = services.save_declaration(
        acting_user=secretariat, declaration=DeclarationFactory.build(state="BRA")
    )
    brazil.participant = Participant.objects.get(code="ARG")
    with pytest.raises(PermissionDenied):
        services.save_declaration(acting_user=focal_point, declaration=brazil)
    assert Declaration.objects.get(pk=brazil.pk).participant.code == "BRA"


@pytest.mark.parametrize("role", [Role.EXPERT, Role.PRACTITIONER, Role.OBSERVER, Role.ANALYST])
def test_other_roles_cannot_save_declarations(db, role):
    # Experts and practitioners act for Argentina, the State of the declaration.
    with pytest.raises(PermissionDenied):
        services.save_declaration(
            acting_user=UserFactory(role=role), declaration=DeclarationFactory.build()
        )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"subject": "extradition_legal_basis", "authority": ""},
            "Say whether the Convention is taken as the legal basis for extradition.",
        ),
        ({"authority": ""}, "Name the central authority."),
    ],
)
def test_declaration_constraints_give_a_human_message(secretariat, fields, message):
    declaration = DeclarationFactory.build()
    for name, value in fields.items():
        setattr(declaration, name, value)
    before = Declaration.objects.count()
    with pytest.raises(ValidationError) as invalid:
        services.save_declaration(acting_user=secretariat, declaration=declaration)
    assert message in invalid.value.messages
    assert Declaration.objects.count() == before


def test_legal_basis_answer_is_saved(secretariat):
    declaration = DeclarationFactory.build(
        subject="extradition_legal_basis", authority="", takes_convention_as_legal_basis=False
    )
    saved = services.save_declaration(acting_user=secretariat, declaration=declaration)
    assert Declaration.objects.get(pk=saved.pk).takes_convention_as_legal_basis is False


def test_load_instruments_is_idempotent(db):
    from palermo.treaties.models import Article

    articles = Article.objects.count()
    result = services.load_instruments()
    assert result["instruments"] == 4
    assert result["articles"] == articles
    assert Article.objects.count() == articles
    assert InstrumentFactory().official_entry_into_force == date(2003, 9, 29)
