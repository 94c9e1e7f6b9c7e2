import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
application = get_asgi_application()

# The assistant's index and the appeal classifier (saved by `unionhome serve` before it started
# this process) are loaded now, before the server accepts a connection, not on the first question
# or appeal; then the heap they make is frozen out of full collections.
from unionhome.core import warmup  # noqa: E402

warmup.start()
