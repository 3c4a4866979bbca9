"""Importing a file into an investigation from its page: editors import, with the report of
what was created; a bad file imports nothing and lists each error with its row and column;
viewers are refused, outsiders do not learn the investigation exists."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from palermo.analysis.models import Entity

from .helpers import sample, team

pytestmark = pytest.mark.django_db


def upload(client, investigation, name, mapping, **extra):
    return client.post(
        reverse("analysis:import", kwargs={"pk": investigation.pk}),
        {"file": SimpleUploadedFile(name, sample(name).read_bytes()), "mapping": mapping, **extra},
    )


def test_an_editor_imports_call_records_and_reads_the_report(client):
    investigation, owner, editor, viewer, outsider = team()
    client.force_login(editor)
    page = client.get(reverse("analysis:investigation", kwargs={"pk": investigation.pk}))
    assert "Import a file" in page.content.decode()
    response = upload(client, investigation, "calls.csv", "calls")
    text = response.content.decode()
    assert response.status_code == 200 and "Imported" in text and "calls.csv:" in text
    assert Entity.objects.filter(investigation=investigation).count() == 9


def test_a_trial_run_writes_nothing(client):
    investigation, owner, *_ = team()
    client.force_login(owner)
    response = upload(client, investigation, "calls.csv", "calls", dry_run="1")
    assert "nothing was written" in response.content.decode()
    assert not Entity.objects.filter(investigation=investigation).exists()


def test_a_bad_file_imports_nothing_and_says_where(client):
    investigation, owner, *_ = team()
    client.force_login(owner)
    response = upload(client, investigation, "bad_payments.csv", "payments")
    text = response.content.decode()
    assert response.status_code == 400 and "Nothing was imported" in text
    assert 'id="import-errors"' in text and "<td>3</td>" in text  # row 3 of the file
    assert not Entity.objects.filter(investigation=investigation).exists()


def test_viewers_are_refused_and_outsiders_get_not_found(client):
    investigation, owner, editor, viewer, outsider = team()
    client.force_login(viewer)
    page = client.get(reverse("analysis:investigation", kwargs={"pk": investigation.pk}))
    assert "Import a file" not in page.content.decode()
    assert upload(client, investigation, "calls.csv", "calls").status_code == 403
    client.force_login(outsider)
    assert upload(client, investigation, "calls.csv", "calls").status_code == 404
    assert not Entity.objects.filter(investigation=investigation).exists()
