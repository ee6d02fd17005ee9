"""Discord's JSON error answers, raised inside the fake and turned into responses by the server."""

from __future__ import annotations

from typing import Any

# JSON error codes from Discord's opcodes-and-status-codes page.
UNKNOWN_ROUTE = 0
UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_MEMBER = 10007
UNKNOWN_MESSAGE = 10008
UNKNOWN_USER = 10013
UNKNOWN_WEBHOOK = 10015
UNKNOWN_APPLICATION = 10002
UNKNOWN_INTERACTION = 10062
CANNOT_SEND_EMPTY_MESSAGE = 50006
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
CANNOT_EDIT_OTHERS_MESSAGE = 50005
INVALID_FORM_BODY = 50035
ALREADY_ACKNOWLEDGED = 40060


class DiscordError(Exception):
    """An error answer: HTTP status plus Discord's `{"message", "code", "errors"?}` body."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def invalid(field: str, problem: str) -> DiscordError:
    """A 400 Invalid Form Body naming the field, in Discord's nested `errors` shape."""
    errors: dict[str, Any] = {"_errors": [{"code": "BASE_TYPE_INVALID", "message": problem}]}
    for part in reversed(field.split(".")):
        errors = {part: errors}
    return DiscordError(400, INVALID_FORM_BODY, "Invalid Form Body", errors)


def not_found(code: int, what: str) -> DiscordError:
    return DiscordError(404, code, f"Unknown {what}")
