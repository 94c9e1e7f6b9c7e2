import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
application = get_asgi_application()

# The assistant's index and the appeal classifier (saved by `unionhome serve` before it started
# this process) are loaded as the process starts, not on the first question or appeal; then the
# heap they make is frozen out of full collections. /api/v1/health says ready once they are.
from unionhome.core import warmup  # noqa: E402

warmup.start()
