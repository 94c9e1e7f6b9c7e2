from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from unionhome.core import demo


class Command(BaseCommand):
    help = "Load the demo union (the case enterprise of seed 000 §4). Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the demo accounts as JSON only")

    def handle(self, *args, **opts):
        from django.contrib.auth import get_user_model

        User = get_user_model()
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
        judges = sorted(User.objects.filter(username__startswith="judge").values_list("username", flat=True))
        if judges:
            self.stdout.write(
                f"  judges    {', '.join(judges)} (skill contests; {judges[0]} is the chief judge)"
            )
        self.stdout.write(
            f"  members   {accounts['members'][0]} … {accounts['members'][-1]} ({len(accounts['members'])} in all)"
        )
        for row in accounts["unregistered_roster_example"]:
            self.stdout.write(
                f"  try joining at /join/ as {row['name']}, employee number {row['employee_no']}, ID number"
                f" {row['id_number']} (demo data; the SMS code shows on the page): approved at once"
            )
