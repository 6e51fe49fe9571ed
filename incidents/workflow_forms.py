"""Small forms of the commune's workflow actions; each posts to its own URL, with its own prefix
so that several can share the detail page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from atvsld_portal.forms import PortalForm
from incidents.models import InvestigationLevel, QuickReportMethod

NOTE_WIDGET = forms.Textarea(attrs={"rows": 2})


class StartInvestigationForm(PortalForm):
    level = forms.ChoiceField(label=_("Investigated by"), choices=InvestigationLevel.choices)
    needs_technical_examination = forms.BooleanField(
        label=_("Technical or forensic examination needed (death: 60 days)"), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, widget=NOTE_WIDGET)


class QuickReportForm(PortalForm):
    sent_at = forms.DateTimeField(
        label=_("Sent at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    method = forms.ChoiceField(label=_("How"), choices=QuickReportMethod.choices)
    recipients = forms.CharField(
        label=_("Sent to"),
        max_length=500,
        help_text=_("For example: the commune police, the Department of Home Affairs."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=NOTE_WIDGET)


class CloseForm(PortalForm):
    record_published_on = forms.DateField(
        label=_("Record published on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), required=False, widget=NOTE_WIDGET)


class NotOccupationalForm(PortalForm):
    reason = forms.CharField(
        label=_("Why it is not an occupational accident"), widget=forms.Textarea({"rows": 3})
    )

    def clean_reason(self) -> str:
        return self.cleaned_data["reason"].strip()


class TransferForm(PortalForm):
    note = forms.CharField(
        label=_("Signs of a crime and documents handed over"), widget=forms.Textarea({"rows": 3})
    )

    def clean_note(self) -> str:
        return self.cleaned_data["note"].strip()


class ExtendForm(PortalForm):
    days = forms.IntegerField(label=_("Extension (days)"), min_value=1, max_value=60)
    note = forms.CharField(label=_("Note"), required=False, widget=NOTE_WIDGET)


FORMS: dict[str, type[forms.Form]] = {
    "quick_reported": QuickReportForm,
    "investigate": StartInvestigationForm,
    "extend": ExtendForm,
    "close": CloseForm,
    "not_occupational": NotOccupationalForm,
    "transfer": TransferForm,
}


def bind(action: str, data=None) -> forms.Form:
    """The action's form, bound to POST data when given, under the action's prefix."""
    return FORMS[action](data, prefix=action)


def forms_for(actions: list[str], *, level: str | None = None) -> dict[str, forms.Form]:
    """Unbound forms for the allowed actions; the level proposed is the one the law gives."""
    result = {action: bind(action) for action in actions}
    if "investigate" in result and level:
        result["investigate"].initial = {"level": level}
    return result
