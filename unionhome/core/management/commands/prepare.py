"""Build what the web processes load as they start (the appeal classifier, the assistant's
index) and save it under DATA_DIR/models. `unionhome serve` does this itself; a deployment that
starts its web server another way runs `unionhome prepare` first."""

from django.core.management.base import BaseCommand

from unionhome.core import warmup


class Command(BaseCommand):
    help = "Build and save the classifier and the assistant's index for the web processes."

    def handle(self, *args, **opts):
        warmup.prepare_all(lambda name, s: self.stdout.write(f"{name}: ready ({s:.1f} s)"))
