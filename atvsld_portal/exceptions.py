from __future__ import annotations

from django.core.exceptions import ValidationError


class ApplicationError(ValidationError):
    """A business rule was broken; the message is user-facing Vietnamese (through gettext)."""
