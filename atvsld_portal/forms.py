"""Form helpers shared by every app."""

from __future__ import annotations

from django import forms

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
