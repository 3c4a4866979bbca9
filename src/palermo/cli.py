"""The ``palermo`` command: every operator task, on the same services as the pages.

``palermo demo``, ``palermo serve``, ``palermo import``, ``palermo export``,
``palermo treaty-status`` … are Django management commands; hyphens may be written for
underscores. ``palermo help`` lists them all (Django's own commands included).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palermo.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    # Every command may need the SQLite file, uploads or the cache: make their folder first,
    # so that `palermo migrate` on a new machine works instead of "unable to open database file".
    data_dir = getattr(settings, "DATA_DIR", None)
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
    execute_from_command_line(["palermo", *argv[1:]])


if __name__ == "__main__":
    main()
