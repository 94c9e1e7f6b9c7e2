"""The `unionhome` command: every Django management command, plus `serve` and `demo`.

unionhome serve        web server and task consumer together (Ctrl-C stops both)
unionhome demo [--json] load the demo union (idempotent) and print its logins
unionhome migrate      and every other Django command
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["unionhome", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
