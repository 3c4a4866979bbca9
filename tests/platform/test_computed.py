"""Computed results cached under a dataset's version (``platform.computed``), on the database the
suite runs on: every kind of write replaces the version in its own transaction, a rolled-back
write changes nothing, a result is never stored under a version it does not describe, and a
process that has forgotten everything finds the others' results in the shared cache.

The dataset here is a small "statistics aggregate" over the example models: how many case files
there are, and how many reviewing States each peer review has."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from palermo.core.models import Participant
from palermo.platform import computed
from palermo.platform.models import DataVersion
from tests.examples.models import Casefile, PeerReview

pytestmark = pytest.mark.django_db

CASES = computed.register_dataset(
    "tests.cases",
    inputs=["examples.Casefile", "examples.PeerReview", "examples.PeerReview_reviewers"],
)


@pytest.fixture(autouse=True)
def fresh_memory():
    """Each test starts as a new process would: nothing in memory, nothing shared."""
    computed.forget_local()
    cache.clear()
    yield
    computed.forget_local()


class Counted:
    """A computation that counts how often it runs."""

    def __init__(self, compute):
        self.compute, self.runs = compute, 0

    def __call__(self):
        self.runs += 1
        return self.compute()


def case_count():
    return CASES.snapshot().get(("cases",), lambda: Casefile.objects.count())


def titles():
    return CASES.snapshot().get(
        ("titles",), lambda: sorted(Casefile.objects.values_list("title", flat=True))
    )


def reviewers(review):
    return CASES.snapshot().get(("reviewers", review.pk), lambda: review.reviewers.count())


def test_a_result_is_computed_once_per_version_and_again_after_a_write():
    count = Counted(lambda: Casefile.objects.count())
    before = CASES.snapshot().get(("cases",), count)
    assert CASES.snapshot().get(("cases",), count) == before
    assert count.runs == 1
    Casefile.objects.create(title="New")
    assert CASES.snapshot().get(("cases",), count) == before + 1
    assert count.runs == 2


def test_a_cached_result_costs_one_primary_key_read():
    expected = case_count()  # computed and kept
    with CaptureQueriesContext(connection) as queries:
        assert case_count() == expected
    assert len(queries.captured_queries) == 1
    assert "platform_dataversion" in queries.captured_queries[0]["sql"]


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda case: Casefile.objects.create(title="Another"), id="create"),
        pytest.param(lambda case: (setattr(case, "title", "Renamed"), case.save()), id="update"),
        pytest.param(lambda case: case.delete(), id="delete"),
        pytest.param(lambda case: Casefile.objects.filter(pk=case.pk).delete(), id="qs-delete"),
    ],
)
def test_every_orm_write_advances_the_version(write):
    case = Casefile.objects.create(title="First")
    before, version = titles(), CASES.version()
    write(case)
    assert CASES.version() != version
    assert titles() != before
    assert titles() == sorted(Casefile.objects.values_list("title", flat=True))


def test_a_change_of_a_many_to_many_relation_advances_the_version():
    review = PeerReview.objects.create(participant=Participant.objects.get(code="ARG"))
    assert reviewers(review) == 0
    review.reviewers.add(*Participant.objects.filter(code__in=["BRA", "CHL"]))
    assert reviewers(review) == 2
    review.reviewers.remove(Participant.objects.get(code="BRA"))
    assert reviewers(review) == 1
    review.reviewers.clear()
    assert reviewers(review) == 0


def test_bulk_writes_send_no_signal_and_advance_for_says_so():
    """Why bulk paths advance by hand: without it, the old count would be served."""
    before = case_count()
    Casefile.objects.bulk_create([Casefile(title=f"Bulk {i}") for i in range(3)])
    Casefile.objects.update(summary="bulk")
    assert case_count() == before  # stale: no signal reached the dataset
    computed.advance_for(Casefile)
    assert case_count() == before + 3


def test_a_rolled_back_write_leaves_the_version_and_the_result():
    before, version = case_count(), CASES.version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Casefile.objects.create(title="Never")
        assert case_count() == before + 1  # inside the transaction, its own write counts
        raise RuntimeError
    assert CASES.version() == version
    assert case_count() == before


def test_a_token_never_comes_back():
    seen = {CASES.version()}
    for _ in range(3):
        with pytest.raises(RuntimeError), transaction.atomic():
            seen.add(CASES.advance())
            raise RuntimeError
        seen.add(CASES.advance())
    assert len(seen) == 7


def test_a_result_computed_while_the_version_changes_is_kept_for_nobody():
    count = Counted(lambda: Casefile.objects.count())
    snapshot = CASES.snapshot()

    def meanwhile():
        value = count()
        Casefile.objects.create(title="Committed while computing")  # another writer
        return value

    stale = snapshot.get(("cases",), meanwhile)
    # The old version asks again: nothing was stored under it.
    assert snapshot.get(("cases",), count) == stale + 1
    assert count.runs == 2


def test_another_process_finds_the_result_in_the_shared_cache_and_sees_each_write():
    first = Counted(lambda: Casefile.objects.count())
    assert CASES.snapshot().get(("cases",), first) == Casefile.objects.count()
    computed.forget_local()  # a second process: nothing in its memory
    second = Counted(lambda: Casefile.objects.count())
    assert CASES.snapshot().get(("cases",), second) == Casefile.objects.count()
    assert second.runs == 0  # from the shared cache
    Casefile.objects.create(title="Written by the first process")
    assert CASES.snapshot().get(("cases",), second) == Casefile.objects.count()
    assert second.runs == 1


def test_a_missing_version_row_is_created_with_a_new_token():
    CASES.snapshot().get(("cases",), lambda: 1)
    DataVersion.objects.filter(name="tests.cases").delete()  # e.g. an old backup restored
    assert CASES.snapshot().get(("cases",), lambda: 2) == 2
    assert DataVersion.objects.filter(name="tests.cases").exists()


def test_migrate_advances_every_dataset():
    version = CASES.version()
    call_command("migrate", verbosity=0)  # nothing to apply; new code may compute otherwise
    assert CASES.version() != version


class BrokenCache:
    """A shared cache that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def get(self, *args, **kwargs):
        raise ConnectionError("cache down")

    set = get

    def close(self, **kwargs):
        pass


@override_settings(
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "broken": {"BACKEND": "tests.platform.test_computed.BrokenCache"},
    },
    PALERMO_COMPUTED_CACHE="broken",
)
def test_a_shared_cache_that_is_down_is_a_cache_that_misses(caplog):
    assert case_count() == Casefile.objects.count()
    assert "could not be read" in caplog.text


def test_keys_are_plain_values():
    snapshot = CASES.snapshot()
    with pytest.raises(TypeError, match="tuple of str"):
        snapshot.get(("cases", {"a": 1}), lambda: 0)
    assert snapshot.cache_key(("a", 1)) != snapshot.cache_key(("a", "1"))
    assert snapshot.cache_key(("a b", None)).isascii()


def test_the_same_name_cannot_be_registered_with_other_inputs():
    from django.core.exceptions import ImproperlyConfigured

    assert computed.register_dataset("tests.cases", inputs=CASES.inputs) is CASES
    with pytest.raises(ImproperlyConfigured):
        computed.register_dataset("tests.cases", inputs=["examples.Casefile"])
