import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
django_application = get_wsgi_application()

# The URLconf imports every API module, which registers the fast paths (core.fastpath).
from django.urls import get_resolver  # noqa: E402

from unionhome.core.fastpath import FastPathApp  # noqa: E402

get_resolver().url_patterns  # noqa: B018 — import the URLconf now, not on the first request
application = FastPathApp(django_application)

# The assistant's index is built as the process starts, not on the first question.
from unionhome.assistant.engine import warm_up_in_background  # noqa: E402

warm_up_in_background()
