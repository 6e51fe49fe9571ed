"""Forms of the commune's records for workers without a labour contract: the biên bản ghi nhận
sự việc and the sending details of the quick report. Services apply the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atvsld_portal.forms import PortalForm, PortalModelForm
from incidents.forms import DATETIME_WIDGET
from incidents.models import IncidentRecord, QuickReportMethod


class IncidentRecordForm(PortalModelForm):
    class Meta:
        model = IncidentRecord
        fields = [
            "recorded_at",
            "recorded_place",
            "members_present",
            "work_being_done",
            "injuries_and_treatment",
            "preliminary_cause",
        ]
        widgets = {
            "recorded_at": DATETIME_WIDGET,
            "members_present": forms.Textarea(attrs={"rows": 4}),
            "work_being_done": forms.Textarea(attrs={"rows": 2}),
            "injuries_and_treatment": forms.Textarea(attrs={"rows": 3}),
            "preliminary_cause": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_recorded_at(self):
        value = self.cleaned_data["recorded_at"]
        if value and value > timezone.now():
            raise forms.ValidationError(_("The record cannot be dated in the future."))
        return value


class QuickReportSentForm(PortalForm):
    """When, how and to whom the commune sent its quick report (stored on the accident by
    ``incidents.services.quick_report_record``)."""

    sent_at = forms.DateTimeField(label=_("Sent at"), widget=DATETIME_WIDGET)
    method = forms.ChoiceField(label=_("Sent by"), choices=QuickReportMethod.choices)
    recipients = forms.CharField(
        label=_("Sent to"),
        max_length=500,
        help_text=_("For example: Công an xã …; Sở Nội vụ tỉnh …"),
    )

    def clean_sent_at(self):
        value = self.cleaned_data["sent_at"]
        if value and value > timezone.now():
            raise forms.ValidationError(_("The sending time cannot be in the future."))
        return value
