"""One access policy per model: the row filter and the single-object check come from one rule.

A module declares, next to its models, who may do what with each of them::

    @register_policy
    class WorkspacePolicy(Policy):
        model = Workspace
        view = secretariat | member("owner", "editor", "viewer")
        change = member("owner", "editor")
        delete = member("owner")
        restricted_fields = {"informant_phone": secretariat}
        sensitive = True  # every read is logged

Each action is a *condition* built from a few shapes (``anyone``, ``authenticated``,
``has_role``, ``secretariat``, ``state_role``, ``owner``, ``member``, ``via``, ``where``)
combined with ``|`` and ``&``. A condition gives both a row filter (``Q``, or all / no rows) and
a check of one object, so the list and the detail page cannot disagree. The shared views, API
helpers, search, exports, notifications, job pages and the audit trail apply the policy
themselves (NetBox's ``RestrictedQuerySet.restrict()`` in its base views is the model); a module
never filters by hand. A model without a policy is refused by every shared surface.

Each action is also registered with django-rules as ``<app>.<action>_<model>``, so templates
(``perms``), ``user.has_perm`` and ``require`` agree with the policy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import rules
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from . import actors

ALL_ROWS = True
NO_ROWS = False


def _roles(user) -> list:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return []
    cached = getattr(user, "cached_roles", None)
    return cached() if cached else []


def _is_secretariat(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return False
    from palermo.core.choices import Role

    return bool(getattr(user, "is_superuser", False)) or any(
        a.role == Role.SECRETARIAT for a in _roles(user)
    )


def _combine_or(parts):
    qs = []
    for part in parts:
        if part is True:
            return True
        if part is not False:
            qs.append(part)
    if not qs:
        return False
    result = qs[0]
    for q in qs[1:]:
        result = result | q
    return result


def _combine_and(parts):
    qs = []
    for part in parts:
        if part is False:
            return False
        if part is not True:
            qs.append(part)
    if not qs:
        return True
    result = qs[0]
    for q in qs[1:]:
        result = result & q
    return result


class Condition:
    """Who may: a row filter for lists and a check for one object, from one definition.

    ``rows(user)`` returns ``True`` (every row), ``False`` (none) or a ``Q``. ``test(user, obj)``
    decides one object; the default asks the database with the same ``Q``, so the two can never
    differ. Conditions that can decide in Python (roles, an owner field) do so, which also works
    for an object not saved yet (a record about to be created).
    """

    #: Whether the condition depends on the user alone (roles), not on the row.
    user_level = False

    def rows(self, user, model) -> bool | Q:
        raise NotImplementedError

    def test(self, user, obj) -> bool:
        if obj is None:
            # Without an object: may the user act on some row? A list scoped by rows() says which.
            return bool(self.rows(user, None)) if self.user_level else True
        rows = self.rows(user, type(obj))
        if isinstance(rows, bool):
            return rows
        if obj.pk is None or obj._state.adding:
            raise ImproperlyConfigured(
                f"{self!r} cannot decide an unsaved {type(obj).__name__}: give the condition a "
                "test() that reads the object's fields, or check the parent it will belong to."
            )
        return type(obj)._default_manager.filter(pk=obj.pk).filter(rows).exists()

    def __or__(self, other: Condition) -> Condition:
        return AnyOf(self, other)

    def __and__(self, other: Condition) -> Condition:
        return AllOf(self, other)


class _Combination(Condition):
    """Several conditions joined by one operator; nested joins of the same kind are flattened."""

    combine_rows: Callable
    combine_tests: Callable
    joiner: str

    def __init__(self, *conditions: Condition):
        kind = type(self)
        self.conditions = [
            c for cond in conditions for c in (cond.conditions if type(cond) is kind else [cond])
        ]
        self.user_level = all(c.user_level for c in self.conditions)

    def rows(self, user, model):
        return type(self).combine_rows(c.rows(user, model) for c in self.conditions)

    def test(self, user, obj):
        return type(self).combine_tests(c.test(user, obj) for c in self.conditions)

    def __repr__(self):
        return self.joiner.join(f"({c!r})" for c in self.conditions)


class AnyOf(_Combination):
    combine_rows, combine_tests, joiner = staticmethod(_combine_or), staticmethod(any), " | "


class AllOf(_Combination):
    combine_rows, combine_tests, joiner = staticmethod(_combine_and), staticmethod(all), " & "


class UserCondition(Condition):
    """A condition on the user alone (signed in, holds a role): every row or none."""

    user_level = True

    def __init__(self, predicate: Callable, name: str):
        self.predicate, self.name = predicate, name

    def rows(self, user, model):
        return bool(self.predicate(user))

    def test(self, user, obj):
        return bool(self.predicate(user))

    def __repr__(self):
        return self.name


anyone = UserCondition(lambda user: True, "anyone")
nobody = UserCondition(lambda user: False, "nobody")
authenticated = UserCondition(
    lambda user: bool(getattr(user, "is_authenticated", False) and user.is_active),
    "authenticated",
)
secretariat = UserCondition(_is_secretariat, "secretariat")


def has_role(*roles: str) -> Condition:
    """The user holds one of these roles (for any State, or a role without State)."""
    wanted = set(roles)
    return UserCondition(
        lambda user: any(a.role in wanted for a in _roles(user)), f"has_role{tuple(roles)}"
    )


def states_of(user, *roles: str) -> set[int]:
    """Primary keys of the States for which the user holds one of these roles."""
    wanted = set(roles)
    return {a.participant_id for a in _roles(user) if a.role in wanted and a.participant_id}


def _walk(obj, path: str):
    """Follow ``a__b__c`` through foreign keys in Python; ``None`` when a step is missing or
    needs the database (a many-valued relation)."""
    parts = path.split("__")
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if last and part != "pk":
            field = _field(type(obj), part)
            if field is not None and field.many_to_one:
                return getattr(obj, field.attname)  # the key, without loading the row
        if part == "pk":
            return obj.pk
        field = _field(type(obj), part)
        if field is None or field.many_to_many or field.one_to_many:
            raise LookupError(path)
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


class StateRole(Condition):
    """The user holds one of ``roles`` for the State the row belongs to.

    ``field`` is the lookup from the row to its State (``participant``; ``review__participant``;
    a many-valued path such as ``reviewers__participant`` for "one of the reviewing States"),
    or ``"pk"`` when the row is a State itself.
    """

    def __init__(self, *roles: str, field: str = "participant"):
        self.roles, self.field = roles, field

    def rows(self, user, model):
        states = states_of(user, *self.roles)
        if not states:
            return False
        lookup = "pk__in" if self.field == "pk" else f"{self.field}__in"
        return Q(**{lookup: sorted(states)})

    def test(self, user, obj):
        states = states_of(user, *self.roles)
        if not states:
            return False
        if obj is None:
            return True
        from palermo.core.models import Participant

        if isinstance(obj, Participant) and self.field in ("pk", "participant"):
            return obj.pk in states
        try:
            return _walk(obj, self.field) in states
        except LookupError:
            return super().test(user, obj)

    def __repr__(self):
        return f"state_role{self.roles}@{self.field}"


def state_role(*roles: str, field: str = "participant") -> Condition:
    return StateRole(*roles, field=field)


class Owner(Condition):
    """The row names the user in ``field`` (its creator, its owner)."""

    def __init__(self, field: str = "owner"):
        self.field = field

    def rows(self, user, model):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        return Q(**{self.field: user.pk})

    def test(self, user, obj):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if obj is None:
            return True
        try:
            return _walk(obj, self.field) == user.pk
        except LookupError:
            return super().test(user, obj)

    def __repr__(self):
        return f"owner@{self.field}"


def owner(field: str = "owner") -> Condition:
    return Owner(field)


class Member(Condition):
    """The user was granted one of ``roles`` on this very row, directly or through a group
    (an authority's registered members): the grants of ``platform.Grant``.

    With ``field``, the grant is on a related row instead: ``member("member",
    field="project__fundings__donor")`` allows an activity to the members of an organisation
    that funds its project (the path may cross many-valued relations).
    """

    def __init__(self, *roles: str, field: str | None = None):
        self.roles, self.field = roles, field

    def _target(self, model):
        if self.field is None:
            return model
        current = model
        for part in self.field.split("__"):
            current = current._meta.get_field(part).related_model
        return current

    def _grants(self, user, model):
        from .models import Grant

        return Grant.objects.held_by(user).for_model(model).filter(role__in=self.roles)

    def rows(self, user, model):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        granted = self._grants(user, self._target(model)).values("object_id")
        return Q(**{f"{self.field or 'pk'}__in": granted})

    def test(self, user, obj):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if obj is None:
            return True
        if obj.pk is None:
            return False  # nobody holds a grant on a row that does not exist yet
        if self.field is None:
            return self._grants(user, type(obj)).filter(object_id=obj.pk).exists()
        return super().test(user, obj)

    def __repr__(self):
        return f"member{self.roles}@{self.field}" if self.field else f"member{self.roles}"


def member(*roles: str, field: str | None = None) -> Condition:
    return Member(*roles, field=field)


class Via(Condition):
    """Access derived through a relation: the row is allowed when the related row is allowed
    for ``action`` under the related model's own policy (a review's answers follow the review;
    a workspace's entities follow the workspace)."""

    def __init__(self, relation: str, action: str = "view"):
        self.relation, self.action = relation, action

    def _related_model(self, model):
        field = model._meta.get_field(self.relation)
        return field.related_model

    def rows(self, user, model):
        allowed = policy_for(self._related_model(model)).queryset(user, self.action)
        return Q(**{f"{self.relation}__in": allowed.values("pk")})

    def test(self, user, obj):
        if obj is None:
            return True
        related = getattr(obj, self.relation, None)
        if related is None:
            return False
        return policy_for(type(related)).allows(user, self.action, related)

    def __repr__(self):
        return f"via({self.relation}, {self.action})"


def via(relation: str, action: str = "view") -> Condition:
    return Via(relation, action)


class Where(Condition):
    """A condition on the row's own fields (``where(published=True)``)."""

    def __init__(self, **lookups):
        self.lookups = lookups

    def rows(self, user, model):
        return Q(**self.lookups)

    def test(self, user, obj):
        if obj is None:
            return True
        if all("__" not in key for key in self.lookups):
            return all(getattr(obj, key) == value for key, value in self.lookups.items())
        return super().test(user, obj)

    def __repr__(self):
        return f"where({self.lookups})"


def where(**lookups) -> Condition:
    return Where(**lookups)


class Policy:
    """Who may do what with one model, and which of its fields only some may see.

    Actions default to the Secretariat alone, so a forgotten action is refused, not opened.
    """

    model: type[models.Model]
    view: Condition = secretariat
    add: Condition = secretariat
    change: Condition = secretariat
    delete: Condition = secretariat
    #: Extra actions of the module (``share``, ``clear``, ``submit`` …): name → condition.
    actions: dict[str, Condition] = {}
    #: Fields that only some users may see: name → a condition on the user alone.
    restricted_fields: dict[str, Condition] = {}
    #: Log every read of these records (who, which, through which surface).
    sensitive = False
    #: Who may see who read a record (and its audit entries' readers): owners, the Secretariat.
    see_reads: Condition | None = None

    def condition(self, action: str) -> Condition:
        if action in self.actions:
            return self.actions[action]
        if action in ("view", "add", "change", "delete"):
            return getattr(self, action)
        if action == "see_reads":
            return self.see_reads or (secretariat | self.change)
        raise ImproperlyConfigured(
            f"The policy of {self.model.__name__} has no action {action!r}; declare it in "
            "`actions`."
        )

    def row_filter(self, user, action: str = "view") -> bool | Q:
        if actors.is_system(user):
            return True
        return self.condition(action).rows(user, self.model)

    def queryset(self, user, action: str = "view", queryset=None):
        """The rows ``user`` may ``action``; ``queryset`` narrows the model's default manager."""
        qs = self.model._default_manager.all() if queryset is None else queryset
        rows = self.row_filter(user, action)
        if rows is True:
            return qs
        if rows is False:
            return qs.none()
        return qs.filter(rows).distinct() if _spans_many(rows, self.model) else qs.filter(rows)

    def allows(self, user, action: str, obj=None) -> bool:
        """May ``user`` do ``action`` to ``obj`` (or, without one, to some row)?"""
        if actors.is_system(user):
            return True
        if getattr(user, "is_authenticated", False) and not user.is_active:
            return False
        return self.condition(action).test(user, obj)

    def hidden_fields(self, user) -> set[str]:
        """Restricted fields ``user`` may not see: absent from every surface for them."""
        if actors.is_system(user):
            return set()
        hidden = set()
        for name, condition in self.restricted_fields.items():
            if not condition.user_level:
                raise ImproperlyConfigured(
                    f"{self.model.__name__}.{name}: a restricted field's condition must depend "
                    "on the user alone (roles), so a column is shown or absent as a whole."
                )
            if not condition.test(user, None):
                hidden.add(name)
        return hidden

    def require(self, user, action: str, obj=None) -> None:
        if user is None:
            raise PermissionDenied(actors.NO_ACTOR_MESSAGE)
        if self.allows(user, action, obj):
            return
        raise refusal(user, f"{self.model._meta.app_label}.{action}_{self.model._meta.model_name}")


def _spans_many(rows: Q, model) -> bool:
    """Whether a filter crosses a many-valued relation (and so may repeat rows)."""
    for child in rows.children:
        if isinstance(child, Q):
            if _spans_many(child, model):
                return True
            continue
        lookup = child[0]
        if lookup.endswith("__in") and lookup.count("__") == 1:
            continue
        current = model
        for part in lookup.split("__"):
            field = _field(current, part)
            if field is None:
                break
            if field.many_to_many or field.one_to_many:
                return True
            if not field.is_relation:
                break
            current = field.related_model
    return False


def refusal(user, perm: str) -> PermissionDenied:
    if not getattr(user, "is_authenticated", False):
        return PermissionDenied(_("Sign in to do this."))
    return PermissionDenied(_("Your role does not allow this (%(perm)s).") % {"perm": perm})


POLICIES: dict[type, Policy] = {}


def register_policy(cls: type[Policy]) -> type[Policy]:
    """Register a model's policy and its actions as django-rules permissions."""
    policy = cls()
    model = cls.model
    if model in POLICIES:
        raise ImproperlyConfigured(f"{model.__name__} already has a policy.")
    POLICIES[model] = policy
    names = {"view", "add", "change", "delete", "see_reads", *policy.actions}
    for action in names:
        perm = f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        rules.set_perm(perm, _predicate(policy, action))
    return cls


def _predicate(policy: Policy, action: str):
    @rules.predicate(name=f"{policy.model.__name__}.{action}")
    def predicate(user, obj=None):
        return policy.allows(user, action, obj)

    return predicate


def policy_for(model) -> Policy:
    """The policy of a model (or of a QuerySet's or an instance's model)."""
    if isinstance(model, models.QuerySet):
        model = model.model
    elif isinstance(model, models.Model):
        model = type(model)
    model = model._meta.concrete_model
    try:
        return POLICIES[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model.__name__} has no access policy: declare one with @register_policy in its "
            "app's policies.py before showing it on any page, API, export or search."
        ) from None


def has_policy(model) -> bool:
    return getattr(model, "_meta", None) is not None and model._meta.concrete_model in POLICIES


def restrict(queryset, user, action: str = "view"):
    """The rows of ``queryset`` that ``user`` may ``action``, by the model's policy."""
    return policy_for(queryset.model).queryset(user, action, queryset)


def require(user, action: str, obj) -> None:
    """Raise ``PermissionDenied`` with a sentence unless ``user`` may ``action`` ``obj``."""
    if user is None:
        raise PermissionDenied(actors.NO_ACTOR_MESSAGE)
    policy_for(obj).require(user, action, obj)


def visible_values(obj, user, fields: Iterable[str]) -> dict:
    """``{field: value}`` of ``obj`` for the fields ``user`` may see (restricted ones absent)."""
    hidden = policy_for(obj).hidden_fields(user) if has_policy(type(obj)) else set()
    return {name: getattr(obj, name) for name in fields if name not in hidden}


class RestrictedQuerySet(models.QuerySet):
    """``Model.objects.restrict(user, action)``: the rows the model's policy allows."""

    def restrict(self, user, action: str = "view"):
        return policy_for(self.model).queryset(user, action, self)


def require_perm(user, perm: str, obj=None) -> None:
    """Raise ``PermissionDenied`` with a sentence unless ``user`` has the django-rules ``perm``.

    A missing acting user is refused: a write is always somebody's, or the system actor's.
    """
    if user is None:
        raise PermissionDenied(actors.NO_ACTOR_MESSAGE)
    if actors.is_system(user) or user.has_perm(perm, obj):
        return
    raise refusal(user, perm)
