"""Shared pieces of the analysis tests: people, an investigation with members, the samples."""

from pathlib import Path

from palermo.analysis import services
from palermo.analysis.mappings import SAMPLES
from palermo.core.choices import Role
from palermo.core.models import RoleAssignment, User
from palermo.platform.actors import system_user


def person(username: str, role: str = Role.ANALYST) -> User:
    user = User.objects.create(username=username)
    RoleAssignment.objects.create(user=user, role=role)
    return user


def team():
    """An investigation owned by ``owner`` with an editor and a viewer, and an outsider."""
    owner, editor, viewer, outsider = (
        person("a3-owner"),
        person("a3-editor"),
        person("a3-viewer"),
        person("a3-outsider"),
    )
    investigation = services.create_investigation(
        title="Operation Test (fictional)", acting_user=owner
    )
    services.add_member(investigation, editor, role="editor", acting_user=owner)
    services.add_member(investigation, viewer, role="viewer", acting_user=owner)
    return investigation, owner, editor, viewer, outsider


def sample(name: str) -> Path:
    return SAMPLES / name


def load(investigation, name: str, mapping: str, user=None, **options):
    return services.import_file(
        investigation, sample(name), mapping=mapping, acting_user=user or system_user(), **options
    )
