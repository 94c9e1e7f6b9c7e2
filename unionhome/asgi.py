import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
application = get_asgi_application()

# The assistant's index is built as the process starts, not on the first question.
from unionhome.assistant.engine import warm_up_in_background  # noqa: E402

warm_up_in_background()
