from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from unionhome.core import demo


class Command(BaseCommand):
    help = "Load the demo union (the case enterprise of seed 000 §4). Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the demo accounts as JSON only")

    def handle(self, *args, **opts):
        context = demo.build()
        accounts, existed = context["accounts"], context["existed"]
        if opts["json"]:
            self.stdout.write(json.dumps(accounts, ensure_ascii=False))
            return
        self.stdout.write("Demo union already loaded." if existed else "Demo union loaded.")
        self.stdout.write(f"Logins (password for all: {accounts['password']}):")
        self.stdout.write(f"  admin     {accounts['admin']}   (also /admin/)")
        self.stdout.write(f"  chair     {accounts['chair']}")
        self.stdout.write(f"  staff     {', '.join(accounts['staff'])}")
        self.stdout.write(f"  handlers  {', '.join(accounts['handlers'])}")
        self.stdout.write(f"  volunteers {', '.join(accounts['volunteers'])}")
        self.stdout.write(
            f"  members   {accounts['members'][0]} … {accounts['members'][-1]} ({len(accounts['members'])} in all)"
        )
        for row in accounts["unregistered_roster_example"]:
            self.stdout.write(
                f"  try joining at /join/ as {row['name']}, employee number {row['employee_no']}, ID number"
                f" {row['id_number']} (demo data; the SMS code shows on the page): approved at once"
            )
