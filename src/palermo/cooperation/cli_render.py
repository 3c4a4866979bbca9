"""``palermo cooperation render ID --format docx|pdf --language CODE -o FILE``."""

HANDLERS: dict = {}


def add_parsers(sub) -> None:
    """Add this module's actions to the ``cooperation`` command's subparsers."""
