"""Password validators whose messages the Vietnamese catalogue translates."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum-length check, with its error worded as Django's Vietnamese catalogue has
    it. Django 6.1 rewrote the message with "%d", which that catalogue does not translate yet, so
    a short password was refused in English."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
