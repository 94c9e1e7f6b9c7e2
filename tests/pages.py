"""Reading a page as a browser would: the values a form would send if submitted unchanged."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# A browser drops a date box's value that is not in the box's one format (HTML's value
# sanitisation): it shows empty and sends nothing.
_BOX_FORMATS = {
    "date": r"\d{4}-\d{2}-\d{2}",
    "datetime-local": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?",
    "month": r"\d{4}-\d{2}",
}


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"attrs": a, "values": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        values = self._form["values"]
        name = a.get("name")
        if tag == "input" and name and a.get("type", "text") not in ("submit", "button", "file", "image"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    values.setdefault(name, []).append(a.get("value", "on"))
            else:
                value = a.get("value", "")
                box = _BOX_FORMATS.get(a.get("type", ""))
                if box and not re.fullmatch(box, value):
                    value = ""
                values.setdefault(name, []).append(value)

        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                values.setdefault(self._select, []).append(value)
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            values.setdefault(name, []).append("")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            if not self._select_chosen and self._form is not None:
                self._form["values"].setdefault(self._select, []).append(self._select_first or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            values = self._form["values"][self._textarea]
            values[-1] += data.removeprefix("\n") if not values[-1] else data


def form_values(html: str | bytes, *, having: str) -> dict[str, list[str]]:
    """The values of the first form on the page with a field named `having`, as it would be sent."""
    parser = _Forms()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    for form in parser.forms:
        if having in form["values"]:
            return form["values"]
    raise AssertionError(f"no form with a field {having!r} on the page")
