"""Django's makemessages, also reading `_l(...)`: the name this code gives gettext_lazy."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
