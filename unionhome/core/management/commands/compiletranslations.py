"""Compile the .po catalogues to .mo with Babel (no GNU gettext needed on the machine)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


def compile_all(verbose: bool = False) -> int:
    count = 0
    for root in settings.LOCALE_PATHS:
        for po in Path(root).rglob("*.po"):
            mo = po.with_suffix(".mo")
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue
            with po.open("rb") as f:
                catalog = read_po(f)
            with mo.open("wb") as f:
                write_mo(f, catalog)
            count += 1
    return count


class Command(BaseCommand):
    help = "Compile translation catalogues (.po → .mo)."

    def handle(self, *args, **opts):
        self.stdout.write(f"compiled {compile_all()} catalogue(s)")
