"""Writes go through services: no anonymous write, validation in the model (every surface),
and the command line names its author or the system actor."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client

from palermo.core import services as core_services
from palermo.core.choices import Role
from palermo.core.models import Participant, User
from palermo.core.services import create_api_token
from palermo.platform.actors import SYSTEM_USERNAME, system_user
from palermo.treaties import services
from palermo.treaties.models import Declaration, Instrument

pytestmark = pytest.mark.django_db


def test_a_service_called_without_an_acting_user_refuses():
    arg = Participant.objects.get(code="ARG")
    with pytest.raises(PermissionDenied, match="No acting user"):
        services.delete_declaration(acting_user=None, declaration=Declaration.objects.first())
    with pytest.raises(PermissionDenied, match="No acting user"):
        core_services.assign_role(
            acting_user=None, user=User.objects.get(username="observer"), role=Role.ANALYST
        )
    with pytest.raises(PermissionDenied, match="No acting user"):
        services.save_declaration(
            acting_user=None,
            declaration=Declaration(
                participant=arg,
                instrument=Instrument.objects.get(code="UNTOC"),
                kind="declaration",
                subject="other",
            ),
        )


def test_an_empty_list_of_languages_is_refused_by_the_api_as_by_the_form(secretariat):
    _t, key = create_api_token(acting_user=secretariat, name="t")
    before = Declaration.objects.count()
    response = Client().post(
        "/api/treaties/declarations",
        {
            "participant": "ARG",
            "instrument": "UNTOC",
            "kind": "declaration",
            "subject": "accepted_languages",
            "languages": [],
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 422
    assert "languages: List at least one language" in " ".join(response.json()["detail"])
    assert Declaration.objects.count() == before


def test_the_model_refuses_bad_language_codes_whoever_saves():
    declaration = Declaration(
        participant=Participant.objects.get(code="ARG"),
        instrument=Instrument.objects.get(code="UNTOC"),
        kind="declaration",
        subject="accepted_languages",
        languages=["english"],
    )
    with pytest.raises(ValidationError, match="two-letter ISO 639-1"):
        services.save_declaration(acting_user=system_user(), declaration=declaration)


def _signature_file(tmp_path, state):
    file = tmp_path / "actions.csv"
    file.write_text(
        "instrument,participant,signature_date,deposit_date,action_type\n"
        f"United Nations Convention against Transnational Organized Crime,{state},"
        "2000-12-13,,\n",
        encoding="utf-8",
    )
    return file


@pytest.mark.parametrize(
    ("args", "author"), [((), SYSTEM_USERNAME), (("--as", "secretariat"), "secretariat")]
)
def test_palermo_import_names_its_author_in_the_audit_trail(tmp_path, args, author):
    state = (
        Participant.objects.exclude(treaty_actions__instrument__code="UNTOC")
        .filter(kind="state")
        .order_by("name")
        .first()
    )
    call_command(
        "import",
        "treaty-actions",
        str(_signature_file(tmp_path, state.name)),
        *args,
        stdout=io.StringIO(),
    )
    # The import is one audit entry, which names its author; the action points to it.
    from palermo.platform.models import ImportRun
    from palermo.treaties.models import TreatyAction

    action = TreatyAction.objects.get(participant=state, instrument__code="UNTOC")
    run = ImportRun.objects.get(pk=action.import_run_id)
    entry = LogEntry.objects.get_for_object(run).get()
    assert entry.actor.username == author


def test_palermo_import_as_a_user_without_the_right_is_refused(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Your role does not allow this"):
        call_command(
            "import",
            "treaty-actions",
            str(_signature_file(tmp_path, "Chile")),
            "--as",
            "focal-point",
        )


def test_the_system_actor_cannot_sign_in_and_its_name_is_reserved(client, secretariat):
    actor = system_user()
    assert not actor.is_active and not actor.has_usable_password()
    with pytest.raises(ValidationError, match="reserved"):
        core_services.create_user(
            acting_user=secretariat, username=SYSTEM_USERNAME, password="A-long-passphrase-1"
        )
