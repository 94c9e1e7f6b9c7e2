"""`unionhome appeals retrain` refits the classifier on the shipped examples plus every category
staff have confirmed; `unionhome appeals scan` runs the deadline scan now."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Appeal maintenance: retrain the classifier, or run the deadline scan / risk review now."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["retrain", "scan", "risk"])

    def handle(self, *args, action: str, **options):
        if action == "retrain":
            from unionhome.appeals.classifier import retrain

            result = retrain()
            self.stdout.write(f"trained on {result['examples']} appeals → {result['path']}")
        elif action == "scan":
            from unionhome.appeals.deadlines import scan_deadlines

            self.stdout.write(str(scan_deadlines()))
        else:
            from unionhome.appeals.review import risk_review

            self.stdout.write(f"{len(risk_review())} new risk items")
