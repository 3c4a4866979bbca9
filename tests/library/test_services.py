"""The Library's writes and its validation workflow, by the right role and by the wrong one:
a State's contributors draft and submit, the Secretariat publishes, sends back or withdraws;
published versions are kept; everyone else is refused."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.core.choices import Role
from palermo.core.models import Participant, User
from palermo.library import serializers, services
from palermo.library.choices import RecordStatus
from palermo.library.models import (
    CaseSummary,
    CrimeType,
    Law,
    Provision,
    Publication,
    PublishedVersion,
    SavedSearch,
)
from palermo.platform.models import Notification
from palermo.treaties.models import Article
from tests.factories import UserFactory, library_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    get = User.objects.get
    return {
        "secretariat": get(username="secretariat"),
        "focal": get(username="focal-point"),
        "expert": get(username="expert"),
        "observer": get(username="observer"),
        "practitioner": get(username="practitioner"),
        "other": UserFactory(role=Role.FOCAL_POINT, state="BRA"),
    }


def new_publication(state="ARG", **fields):
    return Publication(
        participant=Participant.objects.get(code=state),
        number=fields.pop("number", "pub-1"),
        title=fields.pop("title", "A fictional study"),
        language="en",
        **fields,
    )


def test_a_focal_point_drafts_a_record_for_their_state(people):
    record = new_publication(status=RecordStatus.PUBLISHED)
    corruption = CrimeType.objects.get(code="corruption")
    services.save_record(record, acting_user=people["focal"], m2m={"crime_types": [corruption]})
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT  # only the Secretariat sets a status
    assert record.created_by == people["focal"]
    assert list(record.crime_types.all()) == [corruption]
    entries = LogEntry.objects.get_for_object(record)
    assert entries.exists() and {e.actor for e in entries} == {people["focal"]}


@pytest.mark.parametrize("who", ["other", "observer", "practitioner"])
def test_others_may_not_draft_for_a_state(people, who):
    with pytest.raises(PermissionDenied):
        services.save_record(new_publication(), acting_user=people[who])
    assert not Publication.objects.filter(number="pub-1").exists()


def test_nobody_writes_anonymously():
    with pytest.raises(PermissionDenied):
        services.save_record(new_publication(), acting_user=None)


def test_a_contributor_may_not_move_a_record_to_another_state(people):
    record = services.save_record(new_publication(), acting_user=people["focal"])
    record.participant = Participant.objects.get(code="BRA")
    with pytest.raises(PermissionDenied):
        services.save_record(record, acting_user=people["focal"])
    assert Publication.objects.get(pk=record.pk).participant.code == "ARG"


def test_a_contributor_may_not_change_the_status_by_editing(people):
    record = services.save_record(new_publication(), acting_user=people["expert"])
    record.status = RecordStatus.PUBLISHED
    services.save_record(record, acting_user=people["expert"])
    assert Publication.objects.get(pk=record.pk).status == RecordStatus.DRAFT


def test_the_models_rules_hold(people):
    record = new_publication(year=1800)
    with pytest.raises(ValidationError) as error:
        services.save_record(record, acting_user=people["focal"])
    assert "year" in error.value.message_dict


def test_the_whole_workflow(people):
    record = services.save_record(new_publication(title="First title"), acting_user=people["focal"])

    # Submit: the State's contributors only; the Secretariat is told.
    for who in ("secretariat", "other", "observer"):
        with pytest.raises(PermissionDenied):
            services.submit(record, acting_user=people[who])
    services.submit(record, acting_user=people["expert"])
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED and record.submitted_at
    assert Notification.objects.filter(
        recipient=people["secretariat"], title__contains="First title"
    ).exists()

    # Submitted: the State may no longer edit it, and may not publish it.
    record.title = "Changed while submitted"
    with pytest.raises(PermissionDenied):
        services.save_record(record, acting_user=people["focal"])
    record.refresh_from_db()
    for who in ("focal", "expert", "other"):
        with pytest.raises(PermissionDenied):
            services.publish(record, acting_user=people[who])

    # Sent back: the note is required; the State edits again.
    with pytest.raises(ValidationError) as error:
        services.request_changes(record, acting_user=people["secretariat"], note="  ")
    assert "note" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.request_changes(record, acting_user=people["focal"], note="Self-approval")
    services.request_changes(record, acting_user=people["secretariat"], note="Add the year.")
    record.refresh_from_db()
    assert record.status == RecordStatus.CHANGES_REQUESTED
    assert record.validation_note == "Add the year."
    assert Notification.objects.filter(recipient=people["focal"], body="Add the year.").exists()
    record.year = 2020
    services.save_record(record, acting_user=people["focal"])
    services.submit(record, acting_user=people["focal"])

    # Published: version 1, kept as it was; the contributors are told.
    services.publish(record, acting_user=people["secretariat"])
    record.refresh_from_db()
    assert (record.status, record.version) == (RecordStatus.PUBLISHED, 1)
    assert record.published_at and record.validation_note == ""
    first = PublishedVersion.objects.get(kind="bibliography", record_id=record.pk)
    assert first.data["title"] == "First title" and first.data["year"] == 2020
    assert first.data == serializers.serialize_record(record) | {"status": "published"}
    assert Notification.objects.filter(
        recipient=people["expert"], title__startswith="Published"
    ).exists()

    # Withdrawn: the Secretariat's alone; history kept; a second publication is version 2.
    for who in ("focal", "observer"):
        with pytest.raises(PermissionDenied):
            services.withdraw(record, acting_user=people[who])
    services.withdraw(record, acting_user=people["secretariat"])
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT
    record.title = "Second title"
    services.save_record(record, acting_user=people["focal"])
    services.submit(record, acting_user=people["focal"])
    services.publish(record, acting_user=people["secretariat"])
    versions = PublishedVersion.objects.filter(kind="bibliography", record_id=record.pk)
    assert [(v.version, v.data["title"]) for v in versions] == [
        (2, "Second title"),
        (1, "First title"),
    ]


def test_an_edit_of_a_published_record_is_a_new_version(people):
    """The history keeps every text the public could read: the Secretariat's edit of a
    published record, or of one of its parts, is published as a new version; a save that
    changes nothing is not."""
    secretariat = people["secretariat"]
    law = library_record("legislation", status=RecordStatus.DRAFT, title="Ley ficticia")
    law.provisions.update(text="Texto uno.")
    services.submit(law, acting_user=people["focal"])
    services.publish(law, acting_user=secretariat)

    def history():
        versions = PublishedVersion.objects.filter(kind="legislation", record_id=law.pk)
        return [
            (v.version, v.data["title"], [p["text"] for p in v.data["provisions"]])
            for v in versions.order_by("version")
        ]

    assert history() == [(1, "Ley ficticia", ["Texto uno."])]
    law.refresh_from_db()
    law.title = "Ley ficticia corregida"
    services.save_record(law, acting_user=secretariat)
    services.save_record(law, acting_user=secretariat)  # nothing changed: no version
    provision = law.provisions.get()
    provision.text = "Texto uno, corregido."
    services.save_part(provision, acting_user=secretariat)
    services.save_part(Provision(law=law, number="Art. 2", text="Dos."), acting_user=secretariat)
    services.delete_part(law.provisions.get(number="Art. 2"), acting_user=secretariat)
    assert history() == [
        (1, "Ley ficticia", ["Texto uno."]),
        (2, "Ley ficticia corregida", ["Texto uno."]),
        (3, "Ley ficticia corregida", ["Texto uno, corregido."]),
        (4, "Ley ficticia corregida", ["Texto uno, corregido.", "Dos."]),
        (5, "Ley ficticia corregida", ["Texto uno, corregido."]),
    ]
    law.refresh_from_db()
    assert (law.status, law.version) == (RecordStatus.PUBLISHED, 5)
    # A draft's edits are not versions: only what was published is history.
    draft = library_record("legislation", status=RecordStatus.DRAFT, number="draft-law")
    draft.title = "Otro título"
    services.save_record(draft, acting_user=people["focal"])
    assert not PublishedVersion.objects.filter(kind="legislation", record_id=draft.pk).exists()


@pytest.mark.parametrize(
    "step, status",
    [
        ("submit", RecordStatus.SUBMITTED),
        ("submit", RecordStatus.PUBLISHED),
        ("publish", RecordStatus.DRAFT),
        ("withdraw", RecordStatus.SUBMITTED),
    ],
)
def test_a_step_the_status_does_not_allow_is_refused_with_the_reason(people, step, status):
    record = library_record("bibliography", status=status)
    who = people["focal"] if step == "submit" else people["secretariat"]
    with pytest.raises(ValidationError, match="cannot be"):
        getattr(services, step)(record, acting_user=who)


def test_who_may_not_see_a_draft_is_refused_before_its_status_is_told(people):
    record = library_record("bibliography", status=RecordStatus.PUBLISHED, state="ARG")
    draft = library_record("bibliography", status=RecordStatus.DRAFT, state="ARG")
    with pytest.raises(PermissionDenied):
        services.publish(draft, acting_user=people["other"])
    with pytest.raises(PermissionDenied):
        services.withdraw(record, acting_user=people["other"])


def test_parts_follow_their_record(people):
    law = library_record("legislation", status=RecordStatus.DRAFT)
    article = Article.objects.get(instrument__code="UNTOC", number="6")
    provision = Provision(law=law, number="Art. 2", text="Texto ficticio.")
    services.save_part(
        provision, acting_user=people["focal"], m2m={"articles": [(article, "1(a)")]}
    )
    assert [str(t) for t in provision.tags.all()] == ["UNTOC art. 6(1(a))"]
    other_provision = Provision(law=law, number="Art. 3", text="x")
    with pytest.raises(PermissionDenied):
        services.save_part(other_provision, acting_user=people["other"])
    published = library_record("legislation", status=RecordStatus.PUBLISHED)
    with pytest.raises(PermissionDenied):
        services.save_part(
            Provision(law=published, number="Art. 9", text="x"), acting_user=people["focal"]
        )
    services.save_part(
        Provision(law=published, number="Art. 9", text="x"), acting_user=people["secretariat"]
    )
    with pytest.raises(PermissionDenied):
        services.delete_part(provision, acting_user=people["other"])
    services.delete_part(provision, acting_user=people["expert"])
    assert not Provision.objects.filter(pk=provision.pk).exists()


def test_case_parts_and_their_rules(people):
    case = library_record("case", status=RecordStatus.DRAFT)
    summary = CaseSummary(case=case, language="en", text="Fictional facts.")
    services.save_part(summary, acting_user=people["focal"])
    with pytest.raises(ValidationError):
        services.save_part(
            CaseSummary(case=case, language="en", text="Twice"), acting_user=people["focal"]
        )


def test_only_the_secretariat_deletes_a_record(people):
    record = library_record("bibliography", status=RecordStatus.PUBLISHED)
    for who in ("focal", "expert", "other"):
        with pytest.raises(PermissionDenied):
            services.delete_record(record, acting_user=people[who])
    services.delete_record(record, acting_user=people["secretariat"])
    assert not Publication.objects.filter(pk=record.pk).exists()
    assert not PublishedVersion.objects.filter(kind="bibliography", record_id=record.pk).exists()


def test_saved_searches_are_their_owners(people):
    saved = services.save_search(
        acting_user=people["observer"],
        name="Art. 6",
        query="laundering",
        filters={"article": "UNTOC-6"},
    )
    with pytest.raises(ValidationError):
        services.save_search(acting_user=people["observer"], name="Art. 6", query="", filters={})
    with pytest.raises(PermissionDenied):
        services.delete_search(saved, acting_user=people["focal"])
    services.delete_search(saved, acting_user=people["observer"])
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()


def test_editing_a_law_through_the_format_matches_provisions_by_number(people):
    law = library_record(
        "legislation",
        number="match-1",
        provisions=[
            {"number": "Art. 1", "text": "one"},
            {"number": "Art. 2", "text": "two"},
        ],
    )
    kept = law.provisions.get(number="Art. 1").pk
    data = serializers.serialize_record(Law.objects.get(pk=law.pk))
    data["provisions"] = [{"number": "Art. 1", "text": "one, amended"}]
    outcome, saved = services.write_parsed(
        serializers.parse_record(data), acting_user=people["focal"]
    )
    assert outcome == "updated"
    assert [(p.pk, p.text) for p in saved.provisions.all()] == [(kept, "one, amended")]
    outcome, _saved = services.write_parsed(
        serializers.parse_record(data), acting_user=people["focal"]
    )
    assert outcome == "unchanged"


def test_the_audit_trail_of_a_draft_is_hidden_from_who_may_not_see_it(people, client):
    from palermo.platform.audit import visible_entries

    draft = services.save_record(
        new_publication(number="audit-1", title="Fictional audited draft"),
        acting_user=people["focal"],
    )
    entries = LogEntry.objects.get_for_object(draft)
    assert visible_entries(entries, people["expert"]).exists()
    for who in ("other", "observer", "practitioner"):
        assert not visible_entries(entries, people[who]).exists()
        client.force_login(people[who])
        assert "Fictional audited draft" not in client.get("/audit/").content.decode()
    client.force_login(people["expert"])
    assert "Fictional audited draft" in client.get("/audit/").content.decode()


def test_the_state_profile_panel_counts_published_records_and_drafts_for_contributors(
    people, client
):
    library_record(
        "bibliography", number="panel-pub", status="published", title="Fictional panel study"
    )
    library_record("bibliography", number="panel-draft", status="draft")
    page = client.get("/participants/ARG/").content.decode()
    assert 'id="profile-library"' in page and "Fictional panel study" in page
    assert "not published yet" not in page
    client.force_login(people["expert"])
    assert "not published yet" in client.get("/participants/ARG/").content.decode()
    client.force_login(people["other"])
    assert "not published yet" not in client.get("/participants/ARG/").content.decode()


def test_the_library_is_in_the_navigation_and_on_the_home_page(client):
    page = client.get("/").content.decode()
    assert 'href="/library/"' in page
