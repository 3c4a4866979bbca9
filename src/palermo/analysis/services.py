"""Every write of the analysis app: investigations, their members, imports and annotations.

Each takes a keyword-only ``acting_user``, checks the investigation's policy, validates, writes
in one transaction and is recorded in the audit trail. Statements are written only by imports
(``importers.py``) and never changed afterwards; an analyst annotates them.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from palermo.platform.audit import audited
from palermo.platform.grants import grant, revoke
from palermo.platform.models import Grant
from palermo.platform.policies import policy_for, require

from .models import Annotation, Entity, Investigation, Statement
from .policies import MEMBER_ROLES, OWNER


def create_investigation(
    *, title: str, description: str = "", acting_user, owner=None, is_demo: bool = False
) -> Investigation:
    """A new investigation; ``owner`` (default: the acting user) becomes its first owner."""
    policy_for(Investigation).require(acting_user, "add")
    owner = owner or acting_user
    with transaction.atomic(), audited(acting_user):
        investigation = Investigation(
            title=title.strip(), description=description, created_by=owner, is_demo=is_demo
        )
        investigation.full_clean()
        investigation.save()
        grant(investigation, to=owner, role=OWNER, acting_user=acting_user, first=True)
    return investigation


def add_member(investigation: Investigation, user, *, role: str, acting_user) -> Grant:
    """Give ``user`` a role (owner, editor, viewer); owners alone may."""
    if role not in MEMBER_ROLES:
        raise ValidationError(
            _("“%(role)s” is not a role of an investigation (%(all)s).")
            % {"role": role, "all": ", ".join(MEMBER_ROLES)}
        )
    policy_for(investigation).require(acting_user, "share", investigation)
    if Grant.objects.on(investigation).filter(user=user, role=role).exists():
        raise ValidationError(
            _("%(user)s is already %(role)s here.") % {"user": user, "role": role}
        )
    return grant(investigation, to=user, role=role, acting_user=acting_user)


def remove_member(investigation: Investigation, user, *, role: str, acting_user) -> int:
    """Take a role back; the last owner cannot be removed (the workspace would be orphaned)."""
    policy_for(investigation).require(acting_user, "share", investigation)
    if role == OWNER:
        owners = Grant.objects.on(investigation).filter(role=OWNER, user__isnull=False)
        if not owners.exclude(user=user).exists():
            raise ValidationError(_("An investigation keeps at least one owner."))
    return revoke(investigation, to=user, role=role, acting_user=acting_user)


def members(investigation: Investigation) -> list[tuple]:
    """``(user, role)`` of every member, for the investigation's page and the command."""
    grants = Grant.objects.on(investigation).filter(user__isnull=False).select_related("user")
    return [(g.user, g.role) for g in grants.order_by("role", "user__username")]


def annotate(
    entity: Entity, *, text: str, acting_user, statement: Statement | None = None
) -> Annotation:
    """An analyst's note on an entity or one of its statements (the evidence stays as it was)."""
    require(acting_user, "change", entity.investigation)
    with transaction.atomic(), audited(acting_user):
        note = Annotation(
            investigation=entity.investigation,
            entity=entity,
            statement=statement,
            text=text,
            created_by=acting_user,
        )
        note.full_clean()
        note.save()
    return note


def import_file(
    investigation: Investigation,
    path,
    *,
    mapping: str,
    acting_user,
    day_first: bool = True,
    country: str = "",
    dry_run: bool = False,
):
    """Import one file into ``investigation`` with a ready mapping (``mappings.READY``) or a
    mapping file (YAML or JSON naming its ``kind``); returns the platform's ``ImportReport``."""
    from palermo.platform.imports import run_import

    from .mappings import resolve

    require(acting_user, "change", investigation)
    kind, spec = resolve(mapping)
    return run_import(
        f"analysis.{kind}",
        path,
        acting_user=acting_user,
        dry_run=dry_run,
        mapping=spec,
        options={
            "investigation": investigation.pk,
            "day_first": day_first,
            "country": country,
            "mapping_name": str(mapping),
        },
    )
