"""`unionhome assistant load` loads the shipped knowledge base (existing entries are kept as
staff edited them); `unionhome assistant reindex` re-analyses every entry and reports the build."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Knowledge base: load the shipped entries, or re-analyse every entry."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "reindex"])
        parser.add_argument(
            "--file", help="a knowledge-base JSON file ([{id, category, question, answer, keywords}])"
        )

    def handle(self, *args, action: str, file: str | None = None, **options):
        from unionhome.assistant import engine, services
        from unionhome.assistant.models import Entry

        if action == "load":
            added = services.load_default(file) if file else services.load_default()
            self.stdout.write(f"{added} entries added ({Entry.objects.count()} in all)")
            return
        Entry.objects.update(terms_version="")
        engine.invalidate()
        assistant = engine.current()
        self.stdout.write(f"{len(assistant)} entries indexed in {assistant.build_seconds:.2f} s")
