"""Forms of the commune's accident report to Sở Nội vụ: the header and remarks, and the record
of sending it. The figures are never typed: they come from the register."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atvsld_portal.forms import DATE_WIDGET, PortalForm, PortalModelForm
from incidents.models import CommuneAccidentReport
from incidents.services import reports


class CommuneReportForm(PortalModelForm):
    class Meta:
        model = CommuneAccidentReport
        fields = [
            "form_version",
            "document_number",
            "report_date",
            "recipient",
            "signer_title",
            "signer_name",
            "remarks",
        ]
        widgets = {"report_date": DATE_WIDGET, "remarks": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form_version"] = forms.ChoiceField(
            label=_("Form version"),
            choices=list(reports.commune_report_form_versions().items()),
            help_text=_("The layout of the printed report."),
        )
        self.fields["document_number"].help_text = _(
            "Given when the report is signed, e.g. 45/BC-UBND; a draft prints it blank."
        )


class MarkSentForm(PortalForm):
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE_WIDGET)
    sent_via = forms.ChoiceField(label=_("Sent by"), choices=CommuneAccidentReport.SentVia.choices)
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=60,
        required=False,
        help_text=_("The number of the signed report, e.g. 45/BC-UBND."),
    )

    def __init__(self, *args, report: CommuneAccidentReport | None = None, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {
                "sent_on": timezone.localdate(),
                "sent_via": CommuneAccidentReport.SentVia.ONLINE,
                "document_number": report.document_number if report else "",
            },
        )
        super().__init__(*args, **kwargs)
