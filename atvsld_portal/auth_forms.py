from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class PortalAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password. Both are case-sensitive."),
        "inactive": _("This account is disabled. Contact the commune office."),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Django sets the username's max_length after building the field, without its
        # validator: a username longer than any account's would go on to authentication, and
        # django-axes would fail to record the failure in its 255-character column (a 500).
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
