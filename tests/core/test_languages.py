"""Each person reads Palermo in their own language: notifications, e-mails, job reports, pages."""

import pytest
from django.core import mail

from palermo.core import services
from palermo.core.choices import Role
from palermo.core.models import Job, Notification, Participant, User
from palermo.platform.actors import system_user

pytestmark = pytest.mark.django_db


def test_a_notification_is_written_in_the_recipients_language(
    secretariat, django_capture_on_commit_callbacks
):
    reader = User.objects.create(username="lectrice", email="lectrice@example.org", language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_role(
            acting_user=secretariat,
            user=reader,
            role=Role.FOCAL_POINT,
            participant=Participant.objects.get(code="DEU"),
        )
    note = Notification.objects.get(recipient=reader)
    # French typography: no-break spaces inside the guillemets.
    assert (
        note.title == "Vous avez maintenant le rôle «\xa0Point de contact national (Allemagne)\xa0»"
    )
    assert mail.outbox[-1].subject == f"[Palermo] {note.title}"
    assert note.body.endswith("vous a attribué ce rôle dans Palermo.")


def test_two_recipients_each_read_their_own_language(focal_point):
    from palermo.treaties.models import Declaration, Instrument

    arabic = User.objects.create(username="amina", language="ar")
    services.assign_role(acting_user=system_user(), user=arabic, role=Role.SECRETARIAT)
    Notification.objects.all().delete()
    declaration = Declaration(
        participant=Participant.objects.get(code="ARG"),
        instrument=Instrument.objects.get(code="UNTOC"),
        kind="notification",
        subject="central_authority",
        authority="Ministerio (demo)",
    )
    from palermo.treaties.services import save_declaration

    save_declaration(acting_user=focal_point, declaration=declaration)
    titles = dict(Notification.objects.values_list("recipient__username", "title"))
    assert titles["secretariat"].startswith("Argentina updated: Central authority")
    assert titles["amina"].startswith("الأرجنتين")


def test_the_preferred_language_opens_the_pages_until_the_browser_picks_another(user_client):
    client = user_client("observer")
    response = client.post("/account/", {"language": "es"})
    assert response.status_code == 302
    assert User.objects.get(username="observer").language == "es"
    assert '<html lang="es"' in client.get("/").content.decode()
    fresh = user_client("observer")  # a new browser, no language cookie yet
    assert '<html lang="es"' in fresh.get("/").content.decode()
    fresh.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert '<html lang="ru"' in fresh.get("/").content.decode()


def test_a_job_report_is_written_in_the_language_of_whoever_started_it(user_client):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    client = user_client("secretariat")
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    page = Path(__file__).parents[1] / "treaties/data/untc_xviii-12_excerpt_2024-05-04.html"
    upload = SimpleUploadedFile(page.name, page.read_bytes(), content_type="text/html")
    client.post("/import/", {"importer": "treaty-actions", "file": upload})
    job = Job.objects.latest("created")
    assert job.language == "fr"
    assert "lignes lues" in job.result["message"]
