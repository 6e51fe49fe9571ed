"""Form helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from atvsld_portal.filings import filing_kind_choices, get_filing_kind
from atvsld_portal.models import ReportingPeriod
from atvsld_portal.text import normalise_text

# Django messages that its own Vietnamese catalogue lacks: ours carries them; marking them here
# keeps makemessages from dropping them as obsolete.
DJANGO_MESSAGES_TRANSLATED_HERE = (
    gettext_noop("Null characters are not allowed."),  # ProhibitNullCharactersValidator
    gettext_noop("“%(pk)s” is not a valid value."),  # ModelMultipleChoiceField invalid_pk_value
)

NUMERIC_FIELDS = (forms.IntegerField, forms.DecimalField, forms.FloatField)


class NormalisedData(QueryDict):
    """Bound data whose text is already normalised (a formset hands it to its forms as is)."""


def normalised_data(data: Any) -> Any:
    """A copy of submitted data with every text value through ``normalise_text``."""
    if data is None or isinstance(data, NormalisedData):
        return data
    result = NormalisedData(mutable=True)
    if hasattr(data, "lists"):
        items = data.lists()
    else:  # a plain dict: a list is a field's several values
        items = ((k, list(v) if isinstance(v, list | tuple) else [v]) for k, v in data.items())
    for key, values in items:
        result.setlist(key, [normalise_text(v) if isinstance(v, str) else v for v in values])
    result._mutable = False
    return result


class NormalisedTextMixin:
    """Every form and formset of the portal stores typed text normalised: composed Unicode
    (NFC), without invisible formatting characters (``atvsld_portal.text.normalise_text``).

    The bound data is normalised before any field sees it, so validation, the stored value and
    the values shown again next to an error all agree, and a name typed with decomposed marks
    (NFD) is found by a search typed either way. A NUL character is not removed: every text field
    refuses it with a message (Django's ``ProhibitNullCharactersValidator``), before it could
    reach PostgreSQL, which refuses NUL in text.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = normalised_data(self.data)


class PortalForm(NormalisedTextMixin, forms.Form):
    """The base of the portal's plain forms."""


class PortalModelForm(NormalisedTextMixin, forms.ModelForm):
    """The base of the portal's model forms."""


class LocalizedNumbersMixin:
    """Read and show numbers the Vietnamese way ("1.250" → 1250, "12,5" → 12.5).

    Fields listed in ``unlocalized_fields`` (years, codes, ids) stay plain, so a year is never
    shown as "2.026".
    """

    unlocalized_fields: tuple[str, ...] = ("year",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, NUMERIC_FIELDS) and name not in self.unlocalized_fields:
                field.localize = True
                field.widget.is_localized = True
                # A number input cannot hold "1.250": use a text box with a numeric keypad.
                if isinstance(field.widget, forms.NumberInput):
                    attrs = {**field.widget.attrs, "inputmode": "decimal"}
                    field.widget = forms.TextInput(attrs=attrs)
                    field.widget.is_localized = True


DATE_WIDGET = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
)


class ReportingPeriodForm(PortalModelForm):
    """Create a period of a registered filing kind, or move its dates (extending unlocks drafts)."""

    class Meta:
        model = ReportingPeriod
        fields = ["kind", "year", "part", "opens_on", "due_on", "closes_on"]
        widgets = {"opens_on": DATE_WIDGET, "due_on": DATE_WIDGET, "closes_on": DATE_WIDGET}

    def __init__(self, *args, commune, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.commune = commune
        self.fields["kind"] = forms.ChoiceField(
            label=_("Filing kind"), choices=filing_kind_choices()
        )
        if self.instance.pk:
            for name in ("kind", "year", "part"):
                self.fields[name].disabled = True

    def clean(self) -> dict:
        cleaned = super().clean()
        opens, due, closes = (cleaned.get(k) for k in ("opens_on", "due_on", "closes_on"))
        if opens and due and opens > due:
            self.add_error("due_on", _("The due date cannot be before the opening date."))
        if due and closes and due > closes:
            self.add_error("closes_on", _("The closing date cannot be before the due date."))
        kind = get_filing_kind(cleaned.get("kind") or "")
        part = cleaned.get("part")
        if kind and part and part not in kind.parts:
            self.add_error(
                "part",
                _("“%(kind)s” is not filed for this part of the year.") % {"kind": kind.label},
            )
        return cleaned
