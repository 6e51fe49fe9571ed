"""Forms of the report to the Party committee: a new draft, the narrative and document fields,
issuing (number and signing date) and the commune's document settings."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atvsld_portal.forms import DATE_WIDGET, PortalForm, PortalModelForm
from reporting.models import CommuneDocumentSettings, QuarterlyReport

FIRST_YEAR = 2020
QUARTER_CHOICES = [("", "-"), (1, "I"), (2, "II"), (3, "III"), (4, "IV")]
NARRATIVE_HELP = _(
    "Drafted from the figures as a starting point: rewrite it as the commune sees it. "
    "The figures themselves come from the data and are not typed here."
)
TEXTAREA = {"rows": 5}
# "05", "5", "05/BC-UBND": the number is what comes before the slash.
NUMBER_PATTERN = re.compile(r"^\s*(\d{1,5})\s*(?:/.*)?$")


class ReportCreateForm(PortalForm):
    """Which report to draft: its kind and period."""

    variant = forms.ChoiceField(label=_("Kind of report"), choices=QuarterlyReport.Variant.choices)
    year = forms.IntegerField(label=_("Year"))
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=QUARTER_CHOICES,
        coerce=int,
        required=False,
        empty_value=0,
        help_text=_("Only for a quarterly report."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].min_value = FIRST_YEAR
        self.fields["year"].max_value = today.year
        self.fields["year"].widget.attrs.update({"min": FIRST_YEAR, "max": today.year})
        if not self.is_bound:
            self.initial.setdefault("variant", QuarterlyReport.Variant.QUARTERLY)
            self.initial.setdefault("year", today.year)
            self.initial.setdefault("quarter", (today.month - 1) // 3 + 1)

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        if year is not None and not FIRST_YEAR <= year <= timezone.localdate().year:
            raise forms.ValidationError(
                _("Choose a year from %(first)s to this year.") % {"first": FIRST_YEAR}
            )
        return year

    def clean(self) -> dict:
        cleaned = super().clean()
        variant = cleaned.get("variant")
        if variant == QuarterlyReport.Variant.QUARTERLY:
            if not cleaned.get("quarter"):
                self.add_error("quarter", _("Choose the quarter of a quarterly report."))
        else:
            cleaned["quarter"] = 0
        return cleaned


class ReportEditForm(PortalModelForm):
    """The parts of the report the official writes, and its document fields; never the figures."""

    class Meta:
        model = QuarterlyReport
        fields = [
            "summary",
            *QuarterlyReport.NARRATIVE_FIELDS,
            "place",
            "signer_authority",
            "signer_deputy",
            "signer_title",
            "signer_name",
            "recipients",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            **{name: forms.Textarea(attrs=TEXTAREA) for name in QuarterlyReport.NARRATIVE_FIELDS},
            "recipients": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            **dict.fromkeys(QuarterlyReport.NARRATIVE_FIELDS, NARRATIVE_HELP),
            "summary": _("The line under “BÁO CÁO”, as it will be printed."),
            "recipients": _("One per line, as printed, e.g. “- Thường trực Đảng ủy xã (b/c);”."),
        }

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class IssueForm(PortalForm):
    """The number the office gave the signed report, and the signing date."""

    number = forms.CharField(
        label=_("Number"),
        max_length=40,
        help_text=_("The number in the commune's register of outgoing documents, e.g. 05."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    signed_on = forms.DateField(
        label=_("Signing date"), widget=DATE_WIDGET, help_text=_("Day first, e.g. 05/01/2027.")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("signed_on", timezone.localdate())

    def clean_number(self) -> int:
        match = NUMBER_PATTERN.match(self.cleaned_data["number"])
        if match is None or int(match.group(1)) < 1:
            raise forms.ValidationError(_("Type the number only, e.g. 05."))
        return int(match.group(1))


class DocumentSettingsForm(PortalModelForm):
    """How the commune's reports are signed and addressed."""

    class Meta:
        model = CommuneDocumentSettings
        fields = [
            "place",
            "signer_authority",
            "signer_deputy",
            "signer_title",
            "signer_name",
            "recipients",
        ]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "signer_authority": _("e.g. TM. ỦY BAN NHÂN DÂN"),
            "signer_deputy": _("e.g. KT. CHỦ TỊCH; leave empty when the chairman signs."),
            "signer_title": _("e.g. PHÓ CHỦ TỊCH"),
        }
