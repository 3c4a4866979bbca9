"""Shared fixtures. The real reference data (M49, groups, instruments, the shipped partial treaty
actions) and the demo users are loaded once into the test database, like setUpTestData; each
test then runs in a transaction that is rolled back."""

import pytest
from django.test import Client

from palermo.core.demo import DEMO_USERS


def load_everything():
    """What `palermo demo` loads: every module's reference data, then its demo content."""
    from palermo.platform.jobs import Progress
    from palermo.platform.registry import DEMO_LOADERS, REFERENCE_LOADERS

    for loader in [*REFERENCE_LOADERS, *DEMO_LOADERS]:
        loader.load(Progress())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_everything()


def pytest_collection_modifyitems(config, items):
    # Transactional tests (the browser's live server, the job workers) flush the database
    # afterwards, losing the session's reference data: run them last.
    def flushes(item):
        marker = item.get_closest_marker("django_db")
        transactional = bool(marker and marker.kwargs.get("transaction"))
        return transactional or item.get_closest_marker("browser") is not None

    items.sort(key=flushes)


ROLES = [username for username, _role, _state in DEMO_USERS]


@pytest.fixture
def user_client(db):
    """``user_client("secretariat")`` → a test client signed in as that demo user."""
    from palermo.core.models import User

    def make(username):
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        return client

    return make


@pytest.fixture
def secretariat(db):
    from palermo.core.models import User

    return User.objects.get(username="secretariat")


@pytest.fixture
def focal_point(db):
    from palermo.core.models import User

    return User.objects.get(username="focal-point")


@pytest.fixture(autouse=True)
def english_by_default():
    """A request in another language leaves it active in the thread; start each test in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
