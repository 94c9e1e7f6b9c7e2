"""Domain errors carry a code (for programs and tests) and a translatable message (for people)."""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(
        self, code: str, message: str, *, fields: dict[str, str] | None = None, status: int | None = None
    ):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.fields = {k: str(v) for k, v in (fields or {}).items()}
        if status is not None:
            self.status = status

    def body(self) -> dict:
        """The JSON an API caller gets: code, message and, if any, a reason per field."""
        body = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


class NotFound(DomainError):
    """Also what an outsider gets for a record that exists: we never confirm it does."""

    status = 404

    def __init__(self, message: str = ""):
        from django.utils.translation import gettext

        super().__init__("not_found", message or gettext("找不到该记录"))


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


def refuse(errors: dict[str, str]) -> None:
    """Refuse with each reason next to its field, when there is any (a service's rules that span
    fields, gathered so the form shows them all at once)."""
    if errors:
        from django.utils.translation import gettext

        raise DomainError("invalid", gettext("请检查标出的内容"), fields=errors)
