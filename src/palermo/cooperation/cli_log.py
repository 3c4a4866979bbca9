"""``palermo cooperation import|export|…``: the log of requests from the command line."""

HANDLERS: dict = {}


def add_parsers(sub) -> None:
    """Add this module's actions to the ``cooperation`` command's subparsers."""
