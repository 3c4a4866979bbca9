"""Every write of the Library: records and their parts, the validation workflow, saved searches,
and the writing of records read from the format (imports, the API, demo and reference data).

Each function takes a keyword-only ``acting_user``, checks the record's policy, validates with
the model's rules, writes in one transaction inside ``audited(acting_user)`` and notifies after
commit. The workflow (``submit``, ``publish``, ``request_changes``, ``withdraw``) refuses with a
``ValidationError`` when the record's status does not allow the step, and with
``PermissionDenied`` (the policy's action) when the person may not take it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.core.choices import Role
from palermo.core.models import User
from palermo.core.permissions import is_secretariat
from palermo.platform import actors
from palermo.platform.audit import audited
from palermo.platform.notifications import notify
from palermo.platform.policies import policy_for, restrict
from palermo.platform.search import index_on_commit

from . import serializers
from .choices import EDITABLE_BY_STATE, RecordStatus
from .models import (
    Case,
    Law,
    Provision,
    ProvisionArticle,
    PublishedVersion,
    SavedSearch,
)

#: The statuses each workflow step starts from.
STEP_FROM = {
    "submit": tuple(EDITABLE_BY_STATE),
    "publish": (RecordStatus.SUBMITTED,),
    "request_changes": (RecordStatus.SUBMITTED,),
    "withdraw": (RecordStatus.PUBLISHED,),
}


def _refuse_anonymous(user) -> None:
    if user is None or not (getattr(user, "is_authenticated", False) or actors.is_system(user)):
        raise PermissionDenied(
            actors.NO_ACTOR_MESSAGE if user is None else _("Sign in to do this.")
        )


def privileged(user) -> bool:
    """The Secretariat and the system actor: they set statuses and publish."""
    return actors.is_system(user) or bool(is_secretariat(user))


def _reindex(record) -> None:
    """Tags are many-to-many (no save signal): the documents of the record and its
    provisions are written again on commit."""
    index_on_commit(type(record), [record.pk])
    if isinstance(record, Law):
        index_on_commit(Provision, list(record.provisions.values_list("pk", flat=True)))


def _set_m2m(instance, m2m: dict | None) -> None:
    for name, values in (m2m or {}).items():
        if name == "articles":
            ProvisionArticle.objects.filter(provision=instance).delete()
            tags = []
            for article, paragraph in values:
                tag = ProvisionArticle(
                    provision=instance, article=article, paragraph=paragraph or ""
                )
                tag.full_clean(exclude=["provision"], validate_unique=False)
                tags.append(tag)
            ProvisionArticle.objects.bulk_create(tags)
        else:
            getattr(instance, name).set(values)


# Records ---------------------------------------------------------------------------------


def save_record(record, *, acting_user, m2m: dict | None = None):
    """Add a record (``pk`` None: "add" on its State) or change one ("change", as stored).

    A new record is a draft, unless the Secretariat (or the system) set its status; only they
    change a record's status here (the steps below do otherwise). ``m2m`` names its tags:
    ``{"crime_types": [...], "issues": [...], "states": [...]}``.
    """
    _refuse_anonymous(acting_user)
    policy = policy_for(record)
    adding = record.pk is None
    if adding:
        policy.require(acting_user, "add", record)
        record.created_by = acting_user if getattr(acting_user, "pk", None) else None
        if not privileged(acting_user):
            record.status = RecordStatus.DRAFT
    else:
        stored = type(record).objects.select_related("participant").get(pk=record.pk)
        policy.require(acting_user, "change", stored)
        if not privileged(acting_user):
            record.status = stored.status
            # A State's contributor keeps the record within their own States.
            policy.require(acting_user, "add", record)
        record.version, record.published_at = stored.version, stored.published_at
    record.full_clean()
    with transaction.atomic(), audited(acting_user):
        record.save()
        _set_m2m(record, m2m)
        _version_if_changed(record, acting_user)
        _reindex(record)
    return record


def _version_if_changed(record, acting_user) -> None:
    """A published record edited in place (by the Secretariat, or a part of it) gets a new
    published version when what it says differs from its last one, so that its history shows
    every text the public could read."""
    if record.status != RecordStatus.PUBLISHED:
        return
    last = (
        PublishedVersion.objects.filter(kind=record.KIND, record_id=record.pk)
        .order_by("-version")
        .values_list("data", flat=True)
        .first()
    )
    now = serializers.content_of(_serialized(record))
    if last is None or serializers.content_of(last) != now:
        _publish_now(record, acting_user)


def delete_record(record, *, acting_user) -> None:
    """The Secretariat removes a record, its parts and its published versions."""
    _refuse_anonymous(acting_user)
    policy_for(record).require(acting_user, "delete", record)
    with transaction.atomic(), audited(acting_user):
        PublishedVersion.objects.filter(kind=record.KIND, record_id=record.pk).delete()
        record.delete()


def _parent(part):
    if isinstance(part, Provision):
        return part.law
    if isinstance(part, ProvisionArticle):
        return part.provision.law
    return part.case


def save_part(part, *, acting_user, m2m: dict | None = None):
    """Add or change a part of a record (a provision, a summary, a party, a charge, …): the
    person must be allowed to change the record. For a provision, ``m2m`` may hold
    ``"articles": [(Article, paragraph), ...]``, ``"crime_types"`` and ``"issues"``."""
    _refuse_anonymous(acting_user)
    policy_for(part).require(acting_user, "add" if part.pk is None else "change", part)
    if part.pk is not None:
        stored = type(part).objects.get(pk=part.pk)
        policy_for(stored).require(acting_user, "change", stored)
    part.full_clean()
    with transaction.atomic(), audited(acting_user):
        part.save()
        _set_m2m(part, m2m)
        record = _parent(part)
        if isinstance(part, Provision):
            index_on_commit(Provision, [part.pk])
        _version_if_changed(record, acting_user)
        index_on_commit(type(record), [record.pk])
    return part


def delete_part(part, *, acting_user) -> None:
    _refuse_anonymous(acting_user)
    policy_for(part).require(acting_user, "delete", part)
    record = _parent(part)
    with transaction.atomic(), audited(acting_user):
        part.delete()
        _version_if_changed(record, acting_user)
        index_on_commit(type(record), [record.pk])


# The workflow ----------------------------------------------------------------------------


def _step(record, step: str, acting_user) -> None:
    """Refuse a step: 404-like refusal for who may not see the record, the status's sentence
    for a step its status does not allow, the policy's refusal for who may not take it."""
    _refuse_anonymous(acting_user)
    policy = policy_for(record)
    if not policy.allows(acting_user, "view", record):
        policy.require(acting_user, step, record)
    if record.status not in STEP_FROM[step]:
        raise ValidationError(status_refusal(record, step))
    policy.require(acting_user, step, record)


def status_refusal(record, step: str) -> str:
    names = {
        "submit": _("submitted"),
        "publish": _("published"),
        "request_changes": _("sent back for changes"),
        "withdraw": _("withdrawn"),
    }
    return _("This record is “%(status)s”: it cannot be %(step)s now.") % {
        "status": record.get_status_display(),
        "step": names[step],
    }


def step_allowed_by_status(record, step: str) -> bool:
    return record.status in STEP_FROM[step]


def secretariat_users():
    return User.objects.filter(is_active=True, role_assignments__role=Role.SECRETARIAT).distinct()


def contributors_of(record):
    return User.objects.filter(
        is_active=True,
        role_assignments__role__in=[Role.FOCAL_POINT, Role.EXPERT],
        role_assignments__participant_id=record.participant_id,
    ).distinct()


def _notify(recipients, title, record, acting_user, body="") -> None:
    notify(
        [u for u in recipients if u.pk != getattr(acting_user, "pk", None)],
        title=title,
        body=body,
        params={"title": str(record)[:120], "state": record.participant.name},
        url=record.get_absolute_url(),
        sender=acting_user if getattr(acting_user, "pk", None) else None,
    )


def submit(record, *, acting_user):
    """A State's contributor sends a draft to the Secretariat for validation."""
    _step(record, "submit", acting_user)
    with transaction.atomic(), audited(acting_user):
        record.status = RecordStatus.SUBMITTED
        record.submitted_at = timezone.now()
        record.save(update_fields=["status", "submitted_at", "updated"])
        _notify(
            secretariat_users(),
            gettext_lazy("Submitted for validation: %(title)s (%(state)s)"),
            record,
            acting_user,
        )
    return record


def _publish_now(record, acting_user) -> PublishedVersion:
    record.status = RecordStatus.PUBLISHED
    record.version += 1
    record.published_at = timezone.now()
    record.validation_note = ""
    record.save(update_fields=["status", "version", "published_at", "validation_note", "updated"])
    fresh = serializers.for_serializing(type(record).objects.filter(pk=record.pk)).get()
    return PublishedVersion.objects.create(
        kind=record.KIND,
        record_id=record.pk,
        version=record.version,
        published_at=record.published_at,
        published_by=acting_user if getattr(acting_user, "pk", None) else None,
        data=serializers.serialize_record(fresh),
    )


def publish(record, *, acting_user):
    """The Secretariat publishes a submitted record: a new version, kept as it was published."""
    _step(record, "publish", acting_user)
    with transaction.atomic(), audited(acting_user):
        _publish_now(record, acting_user)
        _notify(
            contributors_of(record),
            gettext_lazy("Published: %(title)s (%(state)s)"),
            record,
            acting_user,
        )
    return record


def request_changes(record, *, acting_user, note: str):
    """The Secretariat sends a submitted record back to its State, saying what to change."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what should be changed before publication.")})
    _step(record, "request_changes", acting_user)
    with transaction.atomic(), audited(acting_user):
        record.status = RecordStatus.CHANGES_REQUESTED
        record.validation_note = note
        record.save(update_fields=["status", "validation_note", "updated"])
        _notify(
            contributors_of(record),
            gettext_lazy("Changes requested: %(title)s (%(state)s)"),
            record,
            acting_user,
            body=note,
        )
    return record


def withdraw(record, *, acting_user):
    """The Secretariat takes a published record back to a draft; its published versions stay."""
    _step(record, "withdraw", acting_user)
    with transaction.atomic(), audited(acting_user):
        record.status = RecordStatus.DRAFT
        record.save(update_fields=["status", "updated"])
        _notify(
            contributors_of(record),
            gettext_lazy("Withdrawn from publication: %(title)s (%(state)s)"),
            record,
            acting_user,
        )
    return record


# Saved searches --------------------------------------------------------------------------


def save_search(*, acting_user, name: str, query: str, filters: dict) -> SavedSearch:
    _refuse_anonymous(acting_user)
    saved = SavedSearch(
        owner=acting_user, name=(name or "").strip(), query=query or "", filters=filters or {}
    )
    policy_for(saved).require(acting_user, "add", saved)
    saved.full_clean()
    with transaction.atomic(), audited(acting_user):
        saved.save()
    return saved


def delete_search(saved: SavedSearch, *, acting_user) -> None:
    _refuse_anonymous(acting_user)
    policy_for(saved).require(acting_user, "delete", saved)
    with transaction.atomic(), audited(acting_user):
        saved.delete()


# Records read from the format ------------------------------------------------------------


class RecordRefused(Exception):
    """A record of the format that cannot be written: ``errors`` are ``(key, message)``."""

    def __init__(self, errors):
        super().__init__("; ".join(m for _k, m in errors))
        self.errors = errors


def _errors_of(exc: ValidationError, prefix: str = "") -> list:
    if hasattr(exc, "error_dict"):
        return [
            (f"{prefix}{k}" if k != "__all__" else prefix.rstrip(".") or "number", m)
            for k, messages in exc.message_dict.items()
            for m in messages
        ]
    return [(prefix.rstrip("."), m) for m in exc.messages]


def write_parsed(parsed: serializers.ParsedRecord, *, acting_user) -> tuple[str, object]:
    """Write a record read from the format: create it, or replace the stored record of the same
    State, kind and number (its parts matched by number for provisions, replaced for a case's
    sections). Returns ``("created" | "updated" | "unchanged", record)``; raises
    ``RecordRefused`` (nothing of it written) or ``PermissionDenied``.

    Only the Secretariat and the system give a status other than draft; a record they give as
    published is published (a new version) when it is new or its content changed.
    """
    _refuse_anonymous(acting_user)
    if not parsed.ok:
        raise RecordRefused(parsed.errors)
    incoming = parsed.instance
    model = type(incoming)
    policy = policy_for(model)
    given = parsed.status
    if given not in (None, RecordStatus.DRAFT) and not privileged(acting_user):
        raise RecordRefused(
            [("status", _("only the Secretariat may import records as “%(s)s”") % {"s": given})]
        )
    existing = (
        model.objects.select_related("participant")
        .filter(participant=incoming.participant, number=incoming.number)
        .first()
    )
    with transaction.atomic(), audited(acting_user):
        if existing is None:
            policy.require(acting_user, "add", incoming)
            record, before, before_status = incoming, None, None
            record.created_by = acting_user if getattr(acting_user, "pk", None) else None
        else:
            if not policy.allows(acting_user, "view", existing):
                policy.require(acting_user, "add", incoming)
            policy.require(acting_user, "change", existing)
            before_status = existing.status
            before = serializers.content_of(_serialized(existing))
            record = existing
            for name in (*serializers.SCALARS[model.KIND], *serializers.PROVENANCE):
                setattr(record, name, getattr(incoming, name))
        if given is not None and privileged(acting_user):
            target = given
        else:
            target = before_status if existing is not None else RecordStatus.DRAFT
        savepoint = transaction.savepoint()
        try:
            record.full_clean()
            record.save()
            _set_m2m(record, parsed.m2m)
            _write_parts(record, parsed, acting_user)
        except ValidationError as exc:
            transaction.savepoint_rollback(savepoint)
            raise RecordRefused(_errors_of(exc)) from None
        except RecordRefused:
            transaction.savepoint_rollback(savepoint)
            raise
        changed = existing is None or serializers.content_of(_serialized(record)) != before
        if not changed and target == before_status:
            transaction.savepoint_rollback(savepoint)
            return "unchanged", type(record).objects.get(pk=record.pk)
        transaction.savepoint_commit(savepoint)
        if target == RecordStatus.PUBLISHED:
            if changed or before_status != RecordStatus.PUBLISHED:
                _publish_now(record, acting_user)
        elif record.status != target:
            record.status = target
            record.save(update_fields=["status", "updated"])
        _reindex(record)
    return ("created" if existing is None else "updated"), record


def _serialized(record) -> dict:
    return serializers.serialize_record(
        serializers.for_serializing(type(record).objects.filter(pk=record.pk)).get()
    )


def _write_parts(record, parsed, acting_user) -> None:
    if isinstance(record, Law):
        stored = {p.number: p for p in record.provisions.all()}
        keep = set()
        for part in parsed.parts.get("provisions", []):
            incoming = part.instance
            provision = stored.get(incoming.number) or Provision(law=record)
            for name in ("number", "heading", "text", "text_en", "position"):
                setattr(provision, name, getattr(incoming, name))
            provision.law = record
            try:
                provision.full_clean()
            except ValidationError as exc:
                raise RecordRefused(_errors_of(exc, f"{part.key}.")) from None
            provision.save()
            _set_m2m(provision, part.m2m)
            keep.add(provision.pk)
        record.provisions.exclude(pk__in=keep).delete()
    elif isinstance(record, Case):
        _write_case_parts(record, parsed, acting_user)


def _write_case_parts(case: Case, parsed, acting_user) -> None:
    for name in ("charges", "summaries", "proceedings", "cooperation", "attachments", "parties"):
        getattr(case, name).all().delete()
    defendants = {}
    for name in ("summaries", "proceedings", "parties", "cooperation", "attachments"):
        for part in parsed.parts.get(name, []):
            instance = part.instance
            instance.pk = None
            instance.case = case
            try:
                instance.full_clean()
            except ValidationError as exc:
                raise RecordRefused(_errors_of(exc, f"{part.key}.")) from None
            instance.save()
            if name == "parties" and instance.kind == "defendant" and instance.initials:
                defendants[instance.initials] = instance
    visible = restrict(Provision.objects.select_related("law__participant"), acting_user)
    for part in parsed.parts.get("charges", []):
        charge = part.instance
        charge.pk = None
        charge.case = case
        charge.defendant = defendants.get(part.defendant) if part.defendant else None
        cited = []
        for j, (state, law_number, number) in enumerate(part.cites):
            provision = visible.filter(
                law__participant__code=state, law__number=law_number, number=number
            ).first()
            if provision is None:
                raise RecordRefused(
                    [
                        (
                            f"{part.key}.provisions[{j}]",
                            _(
                                "no law %(law)s with a provision “%(p)s” is in the Library "
                                "(import the law first, or name the provision in “cited”)"
                            )
                            % {"law": f"{state}/{law_number}", "p": number},
                        )
                    ]
                )
            cited.append(provision)
        try:
            charge.full_clean()
        except ValidationError as exc:
            raise RecordRefused(_errors_of(exc, f"{part.key}.")) from None
        charge.save()
        charge.provisions.set(cited)


# Many records at once (imports) ----------------------------------------------------------

#: Records written per ``bulk_create`` round by ``write_parsed_many``.
BULK_BATCH = 2000
_CASE_PARTS = ("summaries", "proceedings", "parties", "cooperation", "attachments")


def _through_rows(model, instances_and_m2m) -> None:
    """The many-to-many rows of freshly created ``instances`` (of ``model``), in bulk."""
    rows: dict = {}
    for instance, m2m in instances_and_m2m:
        for name, values in (m2m or {}).items():
            if name == "articles":
                rows.setdefault(ProvisionArticle, []).extend(
                    ProvisionArticle(
                        provision_id=instance.pk, article_id=article.pk, paragraph=paragraph or ""
                    )
                    for article, paragraph in values
                )
                continue
            field = model._meta.get_field(name)
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            rows.setdefault(through, []).extend(
                through(**{f"{source}_id": instance.pk, f"{target}_id": value.pk})
                for value in values
            )
    for through, objs in rows.items():
        through.objects.bulk_create(objs, batch_size=BULK_BATCH)


def _existing_keys(model, group) -> set:
    numbers = sorted({parsed.instance.number for _ref, parsed in group})
    found = set()
    for start in range(0, len(numbers), 500):
        found.update(
            model.objects.filter(number__in=numbers[start : start + 500]).values_list(
                "participant_id", "number"
            )
        )
    return found


def _create_batch(model, batch, acting_user, now) -> list:
    """Create ``batch`` (``(ref, parsed, target status)``, all new) with their parts, tags and
    published versions; returns the records."""
    records = [parsed.instance for _ref, parsed, _target in batch]
    model.objects.bulk_create(records, batch_size=BULK_BATCH)
    _through_rows(model, [(parsed.instance, parsed.m2m) for _ref, parsed, _t in batch])
    if model is Law:
        provisions = []
        for _ref, parsed, _target in batch:
            for part in parsed.parts.get("provisions", []):
                part.instance.pk = None
                part.instance.law = parsed.instance
                provisions.append(part)
        Provision.objects.bulk_create([p.instance for p in provisions], batch_size=BULK_BATCH)
        _through_rows(Provision, [(p.instance, p.m2m) for p in provisions])
        index_on_commit(Provision, [p.instance.pk for p in provisions])
    elif model is Case:
        by_model: dict = {}
        for _ref, parsed, _target in batch:
            for name in _CASE_PARTS:
                for part in parsed.parts.get(name, []):
                    part.instance.pk = None
                    part.instance.case = parsed.instance
                    by_model.setdefault(type(part.instance), []).append(part.instance)
        for part_model, objs in by_model.items():
            part_model.objects.bulk_create(objs, batch_size=BULK_BATCH)
    published = [
        r.pk
        for r, (_ref, _p, target) in zip(records, batch, strict=True)
        if target == RecordStatus.PUBLISHED
    ]
    if published:
        by_pk = {
            r.pk: r for r in serializers.for_serializing(model.objects.filter(pk__in=published))
        }
        PublishedVersion.objects.bulk_create(
            [
                PublishedVersion(
                    kind=model.KIND,
                    record_id=pk,
                    version=1,
                    published_at=now,
                    published_by=acting_user if getattr(acting_user, "pk", None) else None,
                    data=serializers.serialize_record(by_pk[pk]),
                )
                for pk in published
            ],
            batch_size=BULK_BATCH,
        )
    index_on_commit(model, [r.pk for r in records])
    return records


def write_parsed_many(items, *, acting_user, stamp=None) -> list:
    """Write many records read from the format, as ``write_parsed`` does one by one but with
    new records (and their provisions, tags and case parts) created in bulk, ``BULK_BATCH`` at
    a time. ``items`` are ``(ref, parsed)``; ``stamp(ref)`` gives extra fields for a record
    (its import run and row). Records already stored, and cases whose charges cite provisions,
    take ``write_parsed`` (laws before the bulk, the rest after it).

    Returns ``(ref, outcome, record_or_exception)`` for each item, in no particular order:
    ``outcome`` is "created", "updated", "unchanged", or "refused" (a ``RecordRefused``) or
    "denied" (a ``PermissionDenied``). Run it inside the caller's transaction: a refusal does
    not undo the others, the caller (the importer, all-or-nothing) does.
    """
    _refuse_anonymous(acting_user)
    results, slow, fresh = [], [], {}
    groups: dict = {}
    for ref, parsed in items:
        if not parsed.ok:
            results.append((ref, "refused", RecordRefused(parsed.errors)))
            continue
        groups.setdefault(type(parsed.instance), []).append((ref, parsed))
    allowed_status = privileged(acting_user)
    now = timezone.now()
    for model, group in groups.items():
        stored = _existing_keys(model, group)
        policy = policy_for(model)
        for ref, parsed in group:
            incoming = parsed.instance
            if (incoming.participant_id, incoming.number) in stored or (
                model is Case and parsed.parts.get("charges")
            ):
                slow.append((ref, parsed))
                continue
            given = parsed.status
            if given not in (None, RecordStatus.DRAFT) and not allowed_status:
                results.append(
                    (
                        ref,
                        "refused",
                        RecordRefused(
                            [
                                (
                                    "status",
                                    _("only the Secretariat may import records as “%(s)s”")
                                    % {"s": given},
                                )
                            ]
                        ),
                    )
                )
                continue
            try:
                policy.require(acting_user, "add", incoming)
            except PermissionDenied as exc:
                results.append((ref, "denied", exc))
                continue
            target = given if given is not None and allowed_status else RecordStatus.DRAFT
            incoming.pk = None
            incoming.created_by = acting_user if getattr(acting_user, "pk", None) else None
            incoming.status = target
            if target == RecordStatus.PUBLISHED:
                incoming.version, incoming.published_at = 1, now
            for name, value in (stamp(ref) if stamp else {}).items():
                setattr(incoming, name, value)
            fresh.setdefault(model, []).append((ref, parsed, target))

    def one(ref, parsed):
        try:
            outcome, record = write_parsed(parsed, acting_user=acting_user)
        except RecordRefused as exc:
            return ref, "refused", exc
        except PermissionDenied as exc:
            return ref, "denied", exc
        if outcome != "unchanged" and stamp:
            type(record).objects.filter(pk=record.pk).update(**stamp(ref))
        return ref, outcome, record

    with transaction.atomic(), audited(acting_user):
        results += [one(r, p) for r, p in slow if isinstance(p.instance, Law)]
        if not any(outcome in ("refused", "denied") for _r, outcome, _x in results):
            for model in sorted(fresh, key=lambda m: m is not Law):
                group = fresh[model]
                for start in range(0, len(group), BULK_BATCH):
                    batch = group[start : start + BULK_BATCH]
                    records = _create_batch(model, batch, acting_user, now)
                    results += [
                        (ref, "created", record)
                        for (ref, _p, _t), record in zip(batch, records, strict=True)
                    ]
        results += [one(r, p) for r, p in slow if not isinstance(p.instance, Law)]
    return results
