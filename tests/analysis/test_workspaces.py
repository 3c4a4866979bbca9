"""Investigations are private: members only, from every other side — outsiders, the
Secretariat, viewers who try to edit, editors who try to add members. Reads are logged."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from palermo.analysis import services
from palermo.analysis.models import Annotation, Entity, Investigation, Statement
from palermo.core.choices import Role
from palermo.platform.models import ReadEvent
from palermo.platform.policies import policy_for

from .helpers import load, person, team

pytestmark = pytest.mark.django_db


def test_only_members_see_an_investigation_and_what_is_inside(secretariat):
    investigation, owner, editor, viewer, outsider = team()
    load(investigation, "calls.csv", "calls")
    for user in (owner, editor, viewer):
        assert list(Investigation.objects.restrict(user)) == [investigation]
        # five calls between four lines (read off calls.csv)
        assert Entity.objects.restrict(user).count() == 9
    # Not an outsider, and not the Secretariat either: it has no grant here.
    for user in (outsider, secretariat):
        assert not Investigation.objects.restrict(user).exists()
        assert not Entity.objects.restrict(user).exists()
        assert not Statement.objects.restrict(user).exists()


def test_pages_answer_404_to_non_members(client, secretariat):
    investigation, owner, editor, viewer, outsider = team()
    load(investigation, "calls.csv", "calls")
    entity = Entity.objects.filter(investigation=investigation).first()
    urls = [
        reverse("analysis:investigation", kwargs={"pk": investigation.pk}),
        reverse("analysis:entity", kwargs={"pk": investigation.pk, "entity": entity.pk}),
    ]
    for user in (outsider, secretariat):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404
        listing = client.get(reverse("analysis:list"))
        assert listing.status_code == 200
        assert investigation.title not in listing.content.decode()
    client.force_login(viewer)
    for url in urls:
        assert client.get(url).status_code == 200


def test_an_entity_of_another_investigation_is_not_found_through_mine(client):
    mine, owner, *_ = team()
    theirs = services.create_investigation(title="Other (fictional)", acting_user=person("a3-b"))
    load(theirs, "calls.csv", "calls")
    foreign = Entity.objects.filter(investigation=theirs).first()
    client.force_login(owner)
    url = reverse("analysis:entity", kwargs={"pk": mine.pk, "entity": foreign.pk})
    assert client.get(url).status_code == 404


def test_a_viewer_cannot_edit_and_an_editor_cannot_add_members():
    investigation, owner, editor, viewer, outsider = team()
    load(investigation, "calls.csv", "calls")
    entity = Entity.objects.filter(investigation=investigation).first()
    with pytest.raises(PermissionDenied):
        services.annotate(entity, text="my note", acting_user=viewer)
    with pytest.raises(PermissionDenied):
        services.annotate(entity, text="my note", acting_user=outsider)
    assert not Annotation.objects.exists()
    for user in (editor, viewer, outsider):
        with pytest.raises(PermissionDenied):
            services.add_member(investigation, outsider, role="viewer", acting_user=user)
    assert not Investigation.objects.restrict(outsider).exists()
    assert not policy_for(Investigation).allows(editor, "delete", investigation)
    assert policy_for(Investigation).allows(owner, "delete", investigation)
    services.annotate(entity, text="seen twice", acting_user=editor)
    assert Annotation.objects.restrict(viewer).get().text == "seen twice"
    assert not Annotation.objects.restrict(outsider).exists()


def test_the_last_owner_stays_and_roles_are_known():
    investigation, owner, editor, *_ = team()
    with pytest.raises(ValidationError):
        services.remove_member(investigation, owner, role="owner", acting_user=owner)
    with pytest.raises(ValidationError):
        services.add_member(investigation, editor, role="boss", acting_user=owner)
    services.remove_member(investigation, editor, role="editor", acting_user=owner)
    assert not Investigation.objects.restrict(editor).exists()


def test_who_may_create_an_investigation(focal_point):
    with pytest.raises(PermissionDenied):
        services.create_investigation(title="Not mine to open", acting_user=focal_point)
    practitioner = person("a3-practitioner-x", Role.OBSERVER)
    with pytest.raises(PermissionDenied):
        services.create_investigation(title="Nor mine", acting_user=practitioner)
    analyst = person("a3-analyst-x")
    created = services.create_investigation(title="  Mine  ", acting_user=analyst)
    assert created.title == "Mine"
    assert services.members(created) == [(analyst, "owner")]
    with pytest.raises(ValidationError):
        services.create_investigation(title="   ", acting_user=analyst)


def test_every_read_of_an_investigation_is_logged(client):
    investigation, owner, editor, viewer, outsider = team()
    load(investigation, "calls.csv", "calls")
    client.force_login(viewer)
    client.get(reverse("analysis:investigation", kwargs={"pk": investigation.pk}))
    reads = ReadEvent.objects.filter(user=viewer)
    read_models = {e.content_type.model for e in reads}
    assert {"investigation", "entity"} <= read_models
    entity = Entity.objects.filter(investigation=investigation, schema="Person").first()
    client.get(reverse("analysis:entity", kwargs={"pk": investigation.pk, "entity": entity.pk}))
    assert (
        ReadEvent.objects.filter(
            user=viewer,
            content_type__model="statement",
            object_pk__in=[
                str(pk)
                for pk in Statement.objects.filter(entity=entity).values_list("pk", flat=True)
            ],
        ).count()
        == Statement.objects.filter(entity=entity).count()
    )
    # The outsider's refused attempt reads nothing.
    client.force_login(outsider)
    client.get(reverse("analysis:investigation", kwargs={"pk": investigation.pk}))
    assert not ReadEvent.objects.filter(user=outsider).exists()
