"""Shared pieces of the ``palermo`` commands: acting user, progress bar."""

import sys
from contextlib import contextmanager

from django.core.management.base import CommandError
from tqdm import tqdm


def acting_user(username: str | None, *, anonymous: bool = False):
    """The user named with ``--as``; without one, the system actor for writes (recorded as
    such in the audit trail), or the public for reads (``anonymous=True``)."""
    from palermo.core.models import User
    from palermo.platform.actors import SYSTEM_USERNAME, system_user

    if not username:
        if anonymous:
            from django.contrib.auth.models import AnonymousUser

            return AnonymousUser()
        return system_user()
    if username == SYSTEM_USERNAME:
        return system_user()
    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(f"No user named “{username}”.") from None
    if not user.is_active:
        raise CommandError(f"The user “{username}” is deactivated.")
    return user


@contextmanager
def progress_bar(enabled: bool = True):
    """A callback for ``Progress`` that drives a terminal progress bar on stderr."""
    bar = tqdm(
        total=0,
        disable=not enabled or not sys.stderr.isatty(),
        unit="row",
        leave=False,
        dynamic_ncols=True,
    )

    def callback(done, total, message):
        if total and bar.total != total:
            bar.reset(total=total)
        bar.n = done
        if message:
            bar.set_description(message[:40])
        bar.refresh()

    try:
        yield callback
    finally:
        bar.close()


@contextmanager
def refused_as_error():
    """A refused permission ends the command with its sentence, not a traceback."""
    from django.core.exceptions import PermissionDenied

    try:
        yield
    except PermissionDenied as exc:
        raise CommandError(str(exc)) from None


def import_file(command, importer: str, options: dict, *, label: str, extra=None, mapping=None):
    """Run ``palermo … import FILE`` for ``importer`` and print its report (``--json``: the
    report as JSON; otherwise errors on stderr, notes and the summary on stdout). A file with
    errors ends the command with exit code 1 and nothing written."""
    import json
    from pathlib import Path

    from palermo.platform.audit import surface
    from palermo.platform.choices import Surface
    from palermo.platform.imports import run_import
    from palermo.platform.jobs import Progress

    path = Path(options["file"])
    if not path.is_file():
        raise CommandError(f"No file at {path}.")
    with (
        progress_bar(not options["json"]) as callback,
        refused_as_error(),
        surface(Surface.CLI, label),
    ):
        report = run_import(
            importer,
            path,
            acting_user=acting_user(options["user"]),
            dry_run=options["dry_run"],
            progress=Progress(callback=callback),
            options=extra,
            mapping=mapping,
        )
    if options["json"]:
        command.stdout.write(json.dumps(report.as_dict(), default=str, indent=2))
    else:
        for error in report.errors:
            command.stderr.write(f"error: {error}")
        for warning in report.warnings:
            command.stdout.write(f"note: {warning}")
        command.stdout.write(report.message)
    if not report.ok:
        raise CommandError("Nothing was imported.", returncode=1)
