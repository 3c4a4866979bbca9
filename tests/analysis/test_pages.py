"""The pages: my investigations, an investigation's entities by schema, one entity's evidence;
list pages cost the same number of queries whatever the number of rows."""

import pytest
from django.urls import reverse

from palermo.analysis import services
from palermo.analysis.models import Entity

from .helpers import load, team

pytestmark = pytest.mark.django_db


def test_entity_page_shows_statements_with_their_sources(client):
    investigation, owner, *_ = team()
    load(investigation, "payments.csv", "payments")
    ivan = Entity.objects.get(investigation=investigation, caption="Ivan Petrov", schema="Person")
    services.annotate(ivan, text="Same man as in the phone records?", acting_user=owner)
    client.force_login(owner)
    page = client.get(
        reverse("analysis:entity", kwargs={"pk": investigation.pk, "entity": ivan.pk})
    ).content.decode()
    assert "PETROV, Ivan" in page  # the value as the file wrote it
    assert "payments.csv, row 2, column “Beneficiary”" in page
    assert "Same man as in the phone records?" in page
    # Ivan is linked from the payments and from his account's holding.
    assert page.count("(Payment)") == 2


def test_entities_filtered_by_schema(client):
    investigation, owner, *_ = team()
    load(investigation, "payments.csv", "payments")
    client.force_login(owner)
    url = reverse("analysis:investigation", kwargs={"pk": investigation.pk})
    page = client.get(url, {"schema": "BankAccount"}).content.decode()
    assert "GB29NWBK60161331926819" in page
    assert "Orion Trading S.r.l." not in page
    assert "Orion Trading S.r.l." in client.get(url).content.decode()


def _many(investigation, n):
    Entity.objects.bulk_create(
        Entity(investigation=investigation, ftm_id=f"p{i}", schema="Person", caption=f"P {i}")
        for i in range(n)
    )


def test_list_pages_cost_the_same_whatever_the_rows(
    client, django_assert_num_queries, django_assert_max_num_queries
):
    investigation, owner, *_ = team()
    client.force_login(owner)
    url = reverse("analysis:investigation", kwargs={"pk": investigation.pk})
    _many(investigation, 3)
    # The page's own queries, the session, the read log and the menu (the user's roles).
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    _many_more = 40
    Entity.objects.bulk_create(
        Entity(investigation=investigation, ftm_id=f"q{i}", schema="Person", caption=f"Q {i}")
        for i in range(_many_more)
    )
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    for i in range(5):
        services.create_investigation(title=f"Case {i} (fictional)", acting_user=owner)
    listing = reverse("analysis:list")
    with django_assert_max_num_queries(10) as first:
        assert client.get(listing).status_code == 200
    for i in range(20):
        services.create_investigation(title=f"More {i} (fictional)", acting_user=owner)
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(listing).content.decode()
    assert "More 19 (fictional)" in page


def test_downloading_the_entities_is_logged_as_an_export(client):
    from palermo.platform.models import ReadEvent

    investigation, owner, _editor, viewer, _outsider = team()
    load(investigation, "seizures.csv", "seizures")
    client.force_login(viewer)
    url = reverse("analysis:investigation", kwargs={"pk": investigation.pk})
    response = client.get(url, {"_export": "csv"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Port of Gioia Tauro, Calabria" in body
    exported = ReadEvent.objects.filter(user=viewer, surface="export", content_type__model="entity")
    assert exported.count() == Entity.objects.filter(investigation=investigation).count()
