"""Results computed from data, cached until the data change: the one mechanism behind every
module's computed tables (treaty statuses and counts today; review analysis and statistics
aggregates next).

A module names a **dataset**, the models its results are computed from, in its ``module.py``::

    TREATY_DATA = register_dataset(
        "treaties", inputs=["treaties.TreatyAction", "treaties.Instrument", "core.Participant"]
    )

and reads results through a **snapshot**, the dataset's version read once, for one request or
command::

    data = TREATY_DATA.snapshot()                      # one primary-key read
    counts = data.get(("counts", "UNTOC", day), lambda: engine.counts("UNTOC", day))

**The version** is one row of ``platform.DataVersion`` per dataset holding a random token.
Every write that changes an input replaces the token *in the write's own transaction*, after the
write: a reader after the commit gets the new token, so it can never be served a result computed
before the write, and a rolled-back write leaves the old token (and its results) in place. A
token is random, not a counter, so it never comes back: results cached inside a transaction
that was rolled back, or before a backup was restored, or by another site sharing the cache, are
never found under a token that now describes other data. A restored backup brings back the
tokens of its own data, and with them the results cached for exactly that data; it need not
advance anything.

**Who replaces the token.** Ordinary writes through the ORM, caught by ``post_save``,
``post_delete`` (which also covers ``QuerySet.delete()``) and ``m2m_changed`` on the inputs.
Writes that send no signal — ``bulk_create``, ``bulk_update``, ``QuerySet.update()``,
``platform.bulk.BulkInsert``, raw SQL — must call ``dataset.advance()`` (or ``advance_for(model)``)
after writing, inside the same transaction; each module tests that every such path does.
``palermo migrate`` advances every dataset (new code may compute differently).

**Where results are kept.** ``Snapshot.get(key, compute)`` looks in this process's memory
first (no unpickling: a few microseconds), then in Django's cache (``PALERMO_COMPUTED_CACHE``,
the file cache by default, Redis in production: shared by every server process), then computes.
Keys are ``(dataset, revision, token, key)``; ``key`` is a tuple of str, int, date, bool or None
and must name everything the result depends on besides the inputs (a date, "today" when rules
use it, the language for translated results). A value computed while another transaction
committed a change is kept for nobody: the token is read again after computing, and the value is
stored only if it has not changed. Values are shared between the threads of a process: treat
them as read-only. Keep names and translations out of shared values where you can, so one entry
serves every language.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from datetime import date, datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils import timezone

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Results kept in a process's memory, per dataset and version (least recently used dropped).
LOCAL_ENTRIES = 256
#: Versions of one dataset kept in memory at once: the current one, and the one before for the
#: requests still finishing with it.
LOCAL_VERSIONS = 2
#: How long the shared cache keeps a result (seconds). A result never goes stale under its
#: token; this only lets the entries of old tokens expire.
DEFAULT_TIMEOUT = 7 * 24 * 3600

_KEY_TYPES = (str, int, date, bool, type(None))
_MISSING = object()
_lock = threading.Lock()
#: dataset name -> {token: {key: value}}, the newest token last.
_memory: dict[str, OrderedDict[int, OrderedDict[Hashable, Any]]] = {}

DATASETS: dict[str, Dataset] = {}
#: model label ("app.Model") -> the datasets it is an input of.
_BY_INPUT: dict[str, list[Dataset]] = {}


class Dataset:
    """A named set of input models whose version every write to them replaces."""

    def __init__(self, name: str, inputs: Iterable[str], revision: int = 1):
        self.name = name
        #: Model labels, ``"app_label.ModelName"`` (an m2m relation: its through model).
        self.inputs = tuple(inputs)
        #: Raise it when the shape or meaning of the cached values changes without a migration.
        self.revision = revision

    def __repr__(self):
        return f"<Dataset {self.name}: {', '.join(self.inputs)}>"

    def version(self, using: str = DEFAULT_DB_ALIAS) -> int:
        """The current token: one primary-key read (and, the first time ever, an insert)."""
        connection = connections[using]
        table = _table(connection)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT token FROM {table} WHERE name = %s", [self.name])
            row = cursor.fetchone()
            if row is None:
                cursor.execute(
                    f"INSERT INTO {table} (name, token, changed) VALUES (%s, %s, %s) "
                    "ON CONFLICT (name) DO NOTHING",
                    [self.name, _new_token(), _now(connection)],
                )
                cursor.execute(f"SELECT token FROM {table} WHERE name = %s", [self.name])
                row = cursor.fetchone()
        return row[0]

    def advance(self, using: str = DEFAULT_DB_ALIAS) -> int:
        """Replace the token, in the current transaction; call it after the write. Returns the
        new token. One statement; no model signal, no audit entry."""
        connection = connections[using]
        token = _new_token()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table(connection)} (name, token, changed) VALUES (%s, %s, %s) "
                "ON CONFLICT (name) DO UPDATE SET token = excluded.token, "
                "changed = excluded.changed",
                [self.name, token, _now(connection)],
            )
        return token

    def snapshot(self, using: str = DEFAULT_DB_ALIAS) -> Snapshot:
        """The dataset at its current version: read once, for one request or command."""
        return Snapshot(self, self.version(using), using)

    def forget(self) -> None:
        """Drop this process's memory of the dataset's results (the shared cache is kept)."""
        with _lock:
            _memory.pop(self.name, None)


class Snapshot:
    """A dataset at one version: results are looked up and stored under that version."""

    __slots__ = ("dataset", "version", "using")

    def __init__(self, dataset: Dataset, version: int, using: str = DEFAULT_DB_ALIAS):
        self.dataset, self.version, self.using = dataset, version, using

    def __repr__(self):
        return f"<Snapshot {self.dataset.name} @ {self.version:x}>"

    def get(self, key: tuple, compute: Callable[[], T], *, shared: bool = True) -> T:
        """The result named ``key`` at this version: from memory, else from the shared cache
        (when ``shared``; the value must pickle), else ``compute()``, then kept in both."""
        name = self.dataset.name
        with _lock:
            entries = _memory.get(name, {}).get(self.version)
            if entries is not None and key in entries:
                entries.move_to_end(key)
                return entries[key]
        cache_key = self.cache_key(key) if shared else None
        if shared:
            value = _shared_get(cache_key)
            if value is not _MISSING:
                _remember(name, self.version, key, value)
                return value
        value = compute()
        if self.dataset.version(self.using) != self.version:
            return value  # the inputs changed while it was computed: right for no version
        _remember(name, self.version, key, value)
        if shared:
            _shared_set(cache_key, value)
        return value

    def cache_key(self, key: tuple) -> str:
        """The shared cache's key: readable head, digest of the whole key (any length, any
        characters, stable across processes)."""
        if not isinstance(key, tuple) or not all(isinstance(part, _KEY_TYPES) for part in key):
            raise TypeError(
                f"A computed result's key is a tuple of str, int, date, bool or None: {key!r}"
            )
        digest = hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest()
        head = key[0] if key and isinstance(key[0], str) and key[0].isidentifier() else "r"
        return (
            f"palermo.computed:{self.dataset.name}:{self.dataset.revision}:{_code_version()}:"
            f"{self.version:x}:{head}:{digest}"
        )


def register_dataset(name: str, *, inputs: Iterable[str], revision: int = 1) -> Dataset:
    """Declare a dataset (from a module's ``module.py``); its version follows every ORM write
    to ``inputs`` from now on. Registering the same name twice with other inputs is an error."""
    inputs = tuple(inputs)
    known = DATASETS.get(name)
    if known is not None:
        if (known.inputs, known.revision) != (inputs, revision):
            raise ImproperlyConfigured(f"The dataset {name!r} is registered twice, differently.")
        return known
    dataset = DATASETS[name] = Dataset(name, inputs, revision)
    for label in inputs:
        if label not in _BY_INPUT:
            _BY_INPUT[label] = []
            uid = f"palermo-computed-{label}"
            # Senders named by label: connected once the model is loaded, and only for it, so
            # other models keep Django's fast deletes.
            post_save.connect(_on_write, sender=label, dispatch_uid=f"{uid}-save", weak=False)
            post_delete.connect(_on_write, sender=label, dispatch_uid=f"{uid}-delete", weak=False)
            m2m_changed.connect(_on_m2m, sender=label, dispatch_uid=f"{uid}-m2m", weak=False)
        _BY_INPUT[label].append(dataset)
    return dataset


def advance_for(*models, using: str = DEFAULT_DB_ALIAS) -> None:
    """Advance every dataset one of ``models`` (classes or labels) is an input of: for shared
    code that writes in bulk without knowing the modules (imports, ``BulkInsert``)."""
    advanced = set()
    for model in models:
        label = model if isinstance(model, str) else model._meta.concrete_model._meta.label
        for dataset in _BY_INPUT.get(label, ()):
            if dataset.name not in advanced:
                advanced.add(dataset.name)
                dataset.advance(using)


def forget_local() -> None:
    """Drop this process's memory of every dataset's results (after a restore; in tests)."""
    with _lock:
        _memory.clear()


def _on_write(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    advance_for(sender, using=using)


def _on_m2m(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        advance_for(sender, using=using)


def _after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """Once per ``migrate`` (and ``flush``): the code may have changed how results are
    computed, so none computed before it is used again."""
    if getattr(sender, "label", None) != "platform" or not DATASETS:
        return
    from .models import DataVersion

    connection = connections[using]
    with connection.cursor() as cursor:
        if DataVersion._meta.db_table not in connection.introspection.table_names(cursor):
            return  # migrated to a state before the table exists
    for dataset in DATASETS.values():
        dataset.advance(using)


post_migrate.connect(_after_migrate, dispatch_uid="palermo-computed-migrate", weak=False)


def _remember(name: str, version: int, key: Hashable, value: Any) -> None:
    with _lock:
        versions = _memory.setdefault(name, OrderedDict())
        entries = versions.get(version)
        if entries is None:
            entries = versions[version] = OrderedDict()
            while len(versions) > LOCAL_VERSIONS:
                versions.popitem(last=False)
        else:
            versions.move_to_end(version)
        entries[key] = value
        entries.move_to_end(key)
        while len(entries) > LOCAL_ENTRIES:
            entries.popitem(last=False)


def _shared_cache():
    return caches[getattr(settings, "PALERMO_COMPUTED_CACHE", "default")]


def _shared_get(key: str):
    """A result from the shared cache; a cache that fails is a cache that misses."""
    try:
        return _shared_cache().get(key, _MISSING)
    except Exception:  # noqa: BLE001 (Redis down, a full disk: compute instead)
        logger.warning("The shared cache could not be read; computing instead.", exc_info=True)
        return _MISSING


def _shared_set(key: str, value: Any) -> None:
    timeout = getattr(settings, "PALERMO_COMPUTED_CACHE_SECONDS", DEFAULT_TIMEOUT)
    try:
        _shared_cache().set(key, value, timeout)
    except Exception:  # noqa: BLE001
        logger.warning("The shared cache could not be written.", exc_info=True)


def _table(connection) -> str:
    from .models import DataVersion

    return connection.ops.quote_name(DataVersion._meta.db_table)


def _new_token() -> int:
    return secrets.randbits(63)  # fits a signed 64-bit column


def _now(connection) -> Any:
    moment: datetime = timezone.now()
    return connection.ops.adapt_datetimefield_value(moment)


def _code_version() -> str:
    import palermo

    return getattr(palermo, "__version__", "0")
