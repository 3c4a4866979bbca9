"""Who may do what in an investigation: its members, and nobody else.

An investigation is visible to its owners, editors and viewers (platform grants) and to no
one else — not the Secretariat either, unless it is granted a role. Editors add and annotate
evidence; owners also manage members and delete it. Everything inside (entities, statements,
annotations) follows the investigation. Every read is logged (``sensitive``), and its owners
see who read what.
"""

from palermo.core.choices import Role
from palermo.platform.policies import Policy, has_role, member, register_policy, secretariat, via

from .models import Annotation, Chart, Decision, Entity, Investigation, Statement

OWNER, EDITOR, VIEWER = "owner", "editor", "viewer"
MEMBER_ROLES = (OWNER, EDITOR, VIEWER)


@register_policy
class InvestigationPolicy(Policy):
    model = Investigation
    view = member(OWNER, EDITOR, VIEWER)
    add = has_role(Role.ANALYST, Role.PRACTITIONER) | secretariat
    change = member(OWNER, EDITOR)
    delete = member(OWNER)
    actions = {"share": member(OWNER)}
    sensitive = True
    see_reads = member(OWNER)


@register_policy
class EntityPolicy(Policy):
    model = Entity
    view = via("investigation")
    add = via("investigation", "change")
    change = via("investigation", "change")
    delete = via("investigation", "delete")
    sensitive = True
    see_reads = via("investigation", "see_reads")


@register_policy
class StatementPolicy(Policy):
    model = Statement
    view = via("investigation")
    add = via("investigation", "change")
    change = via("investigation", "change")
    delete = via("investigation", "delete")
    sensitive = True
    see_reads = via("investigation", "see_reads")


@register_policy
class AnnotationPolicy(Policy):
    model = Annotation
    view = via("investigation")
    add = via("investigation", "change")
    change = via("investigation", "change")
    delete = via("investigation", "change")
    sensitive = True
    see_reads = via("investigation", "see_reads")


@register_policy
class DecisionPolicy(Policy):
    model = Decision
    view = via("investigation")
    add = via("investigation", "change")
    sensitive = True
    see_reads = via("investigation", "see_reads")


@register_policy
class ChartPolicy(Policy):
    model = Chart
    view = via("investigation")
    add = via("investigation", "change")
    change = via("investigation", "change")
    delete = via("investigation", "change")
    sensitive = True
    see_reads = via("investigation", "see_reads")
