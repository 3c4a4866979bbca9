"""The audit trail of changes (django-auditlog) and of reads of sensitive records.

Changes: every service runs its writes inside ``audited(acting_user)``, so each entry names who
made it. What a person may see of the trail follows the policies: only entries of records they
may see, without the values of fields restricted from them (``visible_entries``,
``visible_changes``); entries of models without a policy are the Secretariat's alone.

Reads: a model whose policy is ``sensitive`` logs every read on the one read path the shared
surfaces use (``record_reads``): who, which records (or, past ``DETAIL_LIMIT``, how many) and
through which surface (page, API, export, search, command line, job). The surface is carried
by a context variable that the middleware, the commands and the job runner set.
"""

import contextlib
import contextvars

from auditlog.context import set_actor
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from . import actors
from .choices import Surface
from .policies import POLICIES, Condition, has_policy, policy_for, secretariat

#: Reads of more records than this at once are logged as one line with their number.
DETAIL_LIMIT = 200

_surface = contextvars.ContextVar("palermo_surface", default=Surface.CLI)
_path = contextvars.ContextVar("palermo_path", default="")


@contextlib.contextmanager
def audited(acting_user):
    """Attribute every change inside the block to ``acting_user`` in the audit trail."""
    if acting_user is not None and (
        getattr(acting_user, "is_authenticated", False) or actors.is_system(acting_user)
    ):
        with set_actor(acting_user):
            yield
    else:
        yield


@contextlib.contextmanager
def surface(name: str, path: str = ""):
    """Reads inside the block are recorded as coming through ``name`` (a ``Surface``)."""
    token, path_token = _surface.set(name), _path.set(path or _path.get())
    try:
        yield
    finally:
        _surface.reset(token)
        _path.reset(path_token)


class SurfaceMiddleware:
    """Reads during a request are page reads, or API reads when an API view answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with surface(Surface.PAGE, request.get_full_path()[:300]):
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # django-ninja's views are defined in ninja.operation; the outer ``surface`` block
        # restores the page surface when the request ends.
        if getattr(view_func, "__module__", "").startswith("ninja."):
            _surface.set(Surface.API)
        return None


def record_reads(user, records, *, model=None) -> None:
    """Log that ``user`` read ``records`` (instances, or a count) if their model is sensitive.

    The shared views, API helpers, exports and search call this; modules do not.
    """
    if isinstance(records, int):
        count, items = records, []
    else:
        items = list(records)
        count = len(items)
        model = model or (type(items[0]) if items else None)
    if model is None or not count or not has_policy(model) or not policy_for(model).sensitive:
        return
    from .models import ReadEvent

    who = user if getattr(user, "pk", None) and getattr(user, "is_authenticated", True) else None
    through = _surface.get()
    path = _path.get()
    content_type = ContentType.objects.get_for_model(model)
    if items and count <= DETAIL_LIMIT:
        ReadEvent.objects.bulk_create(
            ReadEvent(
                user=who,
                surface=through,
                content_type=content_type,
                object_pk=str(obj.pk),
                object_repr=str(obj)[:200],
                count=1,
                path=path,
            )
            for obj in items
        )
    else:
        ReadEvent.objects.create(
            user=who, surface=through, content_type=content_type, count=count, path=path
        )


def _pk_texts(queryset):
    """The primary keys of ``queryset`` as text, as the audit trail stores them."""
    if isinstance(queryset.model._meta.pk, models.UUIDField):
        return [str(pk) for pk in queryset.values_list("pk", flat=True)]
    return queryset.annotate(_pk_text=Cast("pk", CharField())).values("_pk_text")


class RecordsVisible(Condition):
    """Entries (audit entries, read events) about records the user may ``action``.

    One query whatever the number of models: an OR of one sub-query per model with a policy.
    Entries of models without a policy, and of records since deleted, are the Secretariat's.
    """

    def __init__(self, action: str = "view", pk_field: str = "object_pk"):
        self.action, self.pk_field = action, pk_field

    def rows(self, user, model):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        from .models import ReadEvent

        allowed = Q(pk__in=[])
        types = ContentType.objects.get_for_models(*POLICIES.keys())
        for record_model, content_type in types.items():
            if record_model in (model, ReadEvent):
                continue
            rows = policy_for(record_model).queryset(user, self.action)
            allowed |= Q(content_type=content_type) & Q(**{f"{self.pk_field}__in": _pk_texts(rows)})
        return allowed

    def __repr__(self):
        return f"records_visible({self.action})"


def visible_entries(entries, user, *, action: str = "view"):
    """Audit entries or read events of records ``user`` may ``action``."""
    if actors.is_system(user) or secretariat.test(user, None):
        return entries
    rows = RecordsVisible(action).rows(user, entries.model)
    return entries.filter(rows) if rows is not False else entries.none()


def visible_changes(entry, user) -> dict:
    """``{field: [old, new]}`` of an audit entry, without the fields restricted from ``user``."""
    changes = entry.changes_dict or {}
    model = entry.content_type.model_class() if entry.content_type_id else None
    if model is None or not has_policy(model):
        return changes
    hidden = policy_for(model).hidden_fields(user)
    return {field: values for field, values in changes.items() if field not in hidden}


def as_system(func):
    """Run ``func`` as the system actor: its changes are recorded as the system's."""
    import functools

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        with audited(actors.system_user()):
            return func(*args, **kwargs)

    return wrapped


def register_audited(*models, exclude=("created", "updated")) -> None:
    """Record every change of these models in the audit trail, their own many-to-many fields
    included (tags, beneficiaries, …), without the time stamps."""
    from auditlog.registry import auditlog

    for model in models:
        m2m = {
            f.name
            for f in model._meta.get_fields()
            if f.many_to_many and not f.auto_created and f.remote_field.through._meta.auto_created
        }
        auditlog.register(model, exclude_fields=list(exclude), m2m_fields=m2m)
