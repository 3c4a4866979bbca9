"""Fixtures shared by the Treaties tests."""

import pytest

from tests.factories import ParticipantFactory


@pytest.fixture
def testland(db):
    """A participant that exists only in tests, so no real State gets invented treaty actions."""
    return ParticipantFactory(testland=True)


@pytest.fixture
def otherland(db):
    """A second participant that exists only in tests."""
    return ParticipantFactory(otherland=True)
