"""The offence-mapping page: a State's focal point pastes its categories, reads the index's
suggestions with their reasons, confirms a code; another State's people and the public read
the mapping and cannot change it."""

import csv
import io

import pytest
from django.test import Client

from palermo.core.choices import Role
from palermo.statistics import services
from palermo.statistics.models import IccsCode, IccsIndexTerm, OffenceMapping
from tests.factories import UserFactory, _participant

pytestmark = pytest.mark.django_db

URL = "/statistics/states/ARG/offences/"


@pytest.fixture
def classification():
    """Two codes and an index term, on top of whatever the reference data holds."""
    homicide, _ = IccsCode.objects.get_or_create(
        code="0101", defaults={"label": "Intentional homicide", "level": 2}
    )
    robbery, _ = IccsCode.objects.get_or_create(
        code="0401", defaults={"label": "Robbery", "level": 2}
    )
    IccsIndexTerm.objects.get_or_create(
        term="robbery with violence", code="0401", defaults={"category": robbery}
    )
    return homicide, robbery


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_focal_point_pastes_categories_and_confirms_a_suggested_code(classification):
    focal_point = UserFactory(role=Role.FOCAL_POINT, state="ARG")
    client = client_for(focal_point)
    response = client.post(
        URL + "add/", {"categories": "Robbery with violence\n\nrobbery with violence\nZzyzx"}
    )
    assert response.status_code == 302
    mappings = {
        m.national_category: m for m in OffenceMapping.objects.filter(participant__code="ARG")
    }
    # Blank lines and repeats are dropped; a category the index cannot place has no code.
    assert set(mappings) == {"Robbery with violence", "Zzyzx"}
    assert mappings["Robbery with violence"].iccs_id == "0401"
    assert "robbery with violence" in mappings["Robbery with violence"].suggested_by
    assert mappings["Zzyzx"].iccs_id is None
    assert all(m.confirmed_at is None for m in mappings.values())

    page = client.get(URL, {"status": "unconfirmed"}).content.decode()
    assert "0401 Robbery" in page and "100% match" in page
    assert "The index has no suggestion: type the code." in page

    robbery = mappings["Robbery with violence"]
    client.post(f"{URL}{robbery.pk}/confirm/", {"code": "0401"})
    robbery.refresh_from_db()
    assert robbery.confirmed_by == focal_point and robbery.iccs_id == "0401"

    # A person may choose another code than the index's: the reason says who chose it.
    other = mappings["Zzyzx"]
    client.post(f"{URL}{other.pk}/confirm/", {"other": "0101"})
    other.refresh_from_db()
    assert other.iccs_id == "0101" and other.confirmed_at is not None
    assert focal_point.username in other.suggested_by


def test_an_unknown_code_is_refused_and_the_mapping_left_unconfirmed(classification):
    focal_point = UserFactory(role=Role.FOCAL_POINT, state="ARG")
    client = client_for(focal_point)
    (mapping,) = services.propose_mappings(
        _participant("ARG"), ["Robbery with violence"], acting_user=focal_point
    )
    response = client.post(f"{URL}{mapping.pk}/confirm/", {"other": "9999"}, follow=True)
    assert "“9999” is not an ICCS code." in response.content.decode()
    mapping.refresh_from_db()
    assert mapping.iccs_id == "0401" and mapping.confirmed_at is None


@pytest.mark.parametrize(
    "make",
    [
        lambda: UserFactory(role=Role.FOCAL_POINT, state="BRA"),
        lambda: UserFactory(role=Role.PRACTITIONER, state="ARG"),
        lambda: UserFactory(role=Role.OBSERVER),
        lambda: None,
    ],
    ids=["other-states-focal-point", "practitioner", "observer", "anonymous"],
)
def test_others_read_the_mapping_but_cannot_add_or_confirm(classification, make):
    author = UserFactory(role=Role.FOCAL_POINT, state="ARG")
    (mapping,) = services.propose_mappings(
        _participant("ARG"), ["Robbery with violence"], acting_user=author
    )
    user = make()
    client = client_for(user)
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Robbery with violence" in text
    assert "Suggest codes" not in text and "Confirm</button>" not in text

    added = client.post(URL + "add/", {"categories": "Hurto"})
    confirmed = client.post(f"{URL}{mapping.pk}/confirm/", {"code": "0401"})
    expected = 302 if user is None else 403  # the public is sent to sign in
    assert added.status_code == expected and confirmed.status_code == expected
    if user is None:
        assert "/accounts/login/" in added["Location"] or "login" in added["Location"]
    assert not OffenceMapping.objects.filter(national_category="Hurto").exists()
    mapping.refresh_from_db()
    assert mapping.confirmed_at is None


def test_the_mapping_downloads_as_csv_and_the_list_is_bounded(
    classification, django_assert_max_num_queries
):
    focal_point = UserFactory(role=Role.FOCAL_POINT, state="ARG")
    categories = [f"Robbery with violence, variant {i}" for i in range(30)]
    services.propose_mappings(_participant("ARG"), categories, acting_user=focal_point)
    client = client_for(focal_point)
    client.get(URL)  # warm the session and the site's caches
    with django_assert_max_num_queries(20):
        assert client.get(URL).status_code == 200
    response = client.get(URL, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["state", "national_category", "iccs"]
    assert len(rows) == 31 and rows[1][0] == "ARG" and rows[1][2] == "0401"


def test_too_many_categories_at_once_are_refused_whole(classification):
    focal_point = UserFactory(role=Role.FOCAL_POINT, state="ARG")
    lines = [f"Category {i}" for i in range(services.MAX_CATEGORIES + 1)]
    with pytest.raises(services.ValidationError):
        services.propose_mappings(_participant("ARG"), lines, acting_user=focal_point)
    assert not OffenceMapping.objects.filter(participant__code="ARG").exists()
