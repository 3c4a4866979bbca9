"""``palermo cooperation render ID --format docx|pdf --language CODE -o FILE``: a request as the
document for signature, with its covering note (``render.py`` lays it out)."""

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from palermo.core.management.commands._base import acting_user
from palermo.platform.audit import record_reads, surface
from palermo.platform.choices import Surface

from . import render, rules
from .models import Request


def add_parsers(sub) -> None:
    """Add this module's actions to the ``cooperation`` command's subparsers."""
    parser = sub.add_parser(
        "render",
        help="A request as DOCX or PDF for signature, in a language the requested State "
        "accepts, with its covering note for the central authority.",
    )
    parser.add_argument("request", metavar="ID", help="The request's number or its reference.")
    parser.add_argument(
        "--format", dest="fmt", choices=render.FORMATS, required=True, help="docx or pdf."
    )
    parser.add_argument(
        "--language",
        default="",
        help=f"One of {', '.join(render.LANGUAGES)} (default: the request's language if the "
        "requested State accepts it, else the first it accepts that has a template).",
    )
    parser.add_argument("-o", "--output", required=True, help="The file to write.")
    parser.add_argument("--as", dest="user", help="Read the request as this user.")
    parser.add_argument(
        "--no-covering-note",
        action="store_true",
        help="Leave out the covering note for the central authority.",
    )
    parser.add_argument("--json", action="store_true", help="Print JSON for scripts.")


def find_request(value: str, user) -> Request:
    """The request ``user`` may see with that number or reference; a clear error otherwise
    (which does not say whether a request the user may not see exists)."""
    value = (value or "").strip()
    rows = Request.objects.restrict(user).select_related("requesting_state", "requested_state")
    found = list(rows.filter(pk=int(value))) if value.isdigit() else []
    if not found:
        found = list(rows.filter(reference=value)[:10])
    if not found:
        hint = "" if getattr(user, "is_authenticated", False) else " " + _("Name a user with --as.")
        raise CommandError(
            _(
                "No request “%(id)s” that you may see: a request is visible only to the "
                "practitioners of its authority and those it is shared with."
            )
            % {"id": value}
            + hint
        )
    if len(found) > 1:
        raise CommandError(
            _("Several requests have the reference “%(id)s”: give its number (%(pks)s).")
            % {"id": value, "pks": ", ".join(str(r.pk) for r in found)}
        )
    return found[0]


def do_render(command, options) -> None:
    user = acting_user(options["user"], anonymous=True)
    request = find_request(options["request"], user)
    path = Path(options["output"])
    if not path.parent.is_dir():
        raise CommandError(_("%(path)s: no such folder.") % {"path": path.parent})
    try:
        with surface(Surface.CLI, "cooperation render"):
            letter = render.letter_for(
                request,
                language=options["language"],
                user=user,
                covering_note=not options["no_covering_note"],
            )
            data = render.write(letter, options["fmt"])
            record_reads(user, [request])
    except PermissionDenied as exc:
        raise CommandError(str(exc)) from None
    except rules.RequestError as exc:
        raise CommandError(
            _("Request %(ref)s: its content cannot be read: %(error)s")
            % {"ref": request.reference, "error": exc}
        ) from None
    except render.RenderError as exc:
        raise CommandError(str(exc)) from None
    path.write_bytes(data)
    accepted = list(letter.accepted_languages)
    if options["json"]:
        command.stdout.write(
            json.dumps(
                {
                    "request": request.pk,
                    "reference": request.reference,
                    "title": request.title,
                    "kind": request.kind,
                    "format": options["fmt"],
                    "language": letter.language,
                    "language_accepted": (letter.language in accepted if accepted else None),
                    "accepted_languages": accepted,
                    "requested_state": request.requested_state.code,
                    "addressee": letter.addressee,
                    "covering_note": "covering_note" in letter.sections,
                    "sections": letter.sections,
                    "file": str(path.resolve()),
                    "bytes": len(data),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if accepted and letter.language not in accepted:
        command.stderr.write(
            _("note: %(state)s accepts requests in %(languages)s, not in %(language)s.")
            % {
                "state": request.requested_state.localized_name,
                "languages": ", ".join(accepted),
                "language": letter.language,
            }
        )
    command.stdout.write(
        _("%(ref)s written to %(path)s (%(format)s, %(language)s, %(bytes)s bytes).")
        % {
            "ref": request.reference,
            "path": path,
            "format": options["fmt"].upper(),
            "language": render.language_name(letter.language),
            "bytes": f"{len(data):,}",
        }
    )


HANDLERS: dict = {"render": do_render}
