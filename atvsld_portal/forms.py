"""Form helpers shared by every app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from atvsld_portal.filings import filing_kind_choices, get_filing_kind
from atvsld_portal.models import ReportingPeriod

NUMERIC_FIELDS = (forms.IntegerField, forms.DecimalField, forms.FloatField)


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


class ReportingPeriodForm(forms.ModelForm):
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
