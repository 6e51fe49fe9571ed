"""Forms of the reporting app: a historical aggregate typed from an official document."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atvsld_portal.files import validate_private_upload
from atvsld_portal.forms import DATE_WIDGET, LocalizedNumbersMixin, PortalModelForm
from reporting.models import HistoricalAggregate

ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png,.xlsx,.docx"
FIRST_YEAR = 2000
FIGURE_FIELDS = [
    "accidents",
    "victims",
    "deaths",
    "serious",
    "workforce",
    "exposed",
    "examined",
    "harmful_establishments",
    "monitored_establishments",
]
HISTORICAL_FIELDS = [
    "year",
    "sector",
    *FIGURE_FIELDS,
    "source_document",
    "source_date",
    "scan",
]


class HistoricalAggregateForm(LocalizedNumbersMixin, PortalModelForm):
    """A commune's figures of one year and sector. Each inconsistency is reported next to the
    field to correct; the service checks that the year and sector are not entered twice."""

    class Meta:
        model = HistoricalAggregate
        fields = HISTORICAL_FIELDS
        widgets = {
            "source_date": DATE_WIDGET,
            "scan": forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
        }
        help_texts = {
            "year": _("A year before the portal, for example 2024 (the baseline)."),
            "victims": _("Everyone injured, the dead and the seriously injured included."),
            "workforce": _("Leave empty if the document gives no number of workers."),
            "source_document": _("Number of the report the figures come from, e.g. 45/BC-UBND."),
            "source_date": _("Day first, for example 15/01/2025."),
            "scan": _("Optional: a scan or photo of the signed document (PDF, JPEG or PNG)."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].validators.append(MinValueValidator(FIRST_YEAR))

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("The year cannot be in the future."))
        return year

    def clean_source_date(self):
        value = self.cleaned_data.get("source_date")
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(_("The document date cannot be in the future."))
        return value

    def clean_scan(self):
        value = self.cleaned_data.get("scan")
        if isinstance(value, UploadedFile):
            validate_private_upload(value)
        return value

    def clean(self) -> dict:
        cleaned = super().clean()
        victims, deaths, serious = (cleaned.get(k) for k in ("victims", "deaths", "serious"))
        if victims is not None and deaths is not None and deaths > victims:
            self.add_error("deaths", _("Deaths cannot outnumber the people injured."))
        elif victims is not None and serious is not None and serious > victims:
            self.add_error(
                "serious", _("The seriously injured cannot outnumber the people injured.")
            )
        elif None not in (victims, deaths, serious) and deaths + serious > victims:
            self.add_error(
                "serious",
                _("Deaths and seriously injured together cannot outnumber the people injured."),
            )
        exposed, examined = cleaned.get("exposed"), cleaned.get("examined")
        if examined is not None and exposed is None:
            self.add_error("exposed", _("Give the exposed workers the examined are counted in."))
        elif examined is not None and exposed is not None and examined > exposed:
            self.add_error(
                "examined", _("The workers examined cannot outnumber the workers exposed.")
            )
        harmful = cleaned.get("harmful_establishments")
        monitored = cleaned.get("monitored_establishments")
        if monitored is not None and harmful is not None and monitored > harmful:
            self.add_error(
                "monitored_establishments",
                _(
                    "The monitored establishments cannot outnumber the establishments with "
                    "harmful factors."
                ),
            )
        return cleaned

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in HISTORICAL_FIELDS if name != "scan"}
        scan = self.cleaned_data.get("scan")
        if scan is False:  # "clear" ticked
            data["scan"] = ""
        elif isinstance(scan, UploadedFile):
            data["scan"] = scan
        return data
