import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
application = get_asgi_application()

# The assistant's index and the appeal classifier are built as the process starts, not on the
# first question or appeal; then the heap they make is frozen out of full collections.
from unionhome.appeals.classifier import scorer  # noqa: E402
from unionhome.assistant.engine import start_up_steps  # noqa: E402
from unionhome.core import warmup  # noqa: E402

warmup.in_background(*start_up_steps(), scorer)
