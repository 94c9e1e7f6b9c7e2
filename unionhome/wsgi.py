import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
django_application = get_wsgi_application()

# The URLconf imports every API module, which registers the fast paths (core.fastpath).
from django.urls import get_resolver  # noqa: E402

from unionhome.core.fastpath import FastPathApp  # noqa: E402
from unionhome.members.identity import token_caller, token_identity  # noqa: E402

get_resolver().url_patterns  # noqa: B018 — import the URLconf now, not on the first request
from django.conf import settings  # noqa: E402

application = (
    FastPathApp(django_application, identity=token_identity, caller=token_caller)
    if settings.FAST_PATH
    else django_application
)

# The assistant's index and the appeal classifier (saved by `unionhome serve` before it started
# this process) are loaded now, before the server accepts a connection, not on the first question
# or appeal; then the heap they make is frozen out of full collections.
from unionhome.core import warmup  # noqa: E402

warmup.start()
