"""Forms of the enterprise's accident statistics report (NĐ 39 Phụ lục XII; DOMAIN §3.7).

Table I is never typed: it comes from the accident records. The form holds the header figures the
records do not know and Table II (damage); the rules between them are in
``PeriodicAccidentReport.clean()``, which the ModelForm runs and attaches to the fields.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from atvsld_portal.forms import DATE_WIDGET, LocalizedNumbersMixin, PortalForm, PortalModelForm
from incidents.models import PeriodicAccidentReport, StatisticsPart

HEADER_FIELDS = ["report_date", "recipient", "workers_total", "workers_women", "payroll_million"]
DAMAGE_FIELDS = [
    "days_off",
    "cost_medical",
    "cost_wages",
    "cost_compensation",
    "cost_total",
    "property_damage",
]


class ReportStartForm(PortalForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    part = forms.ChoiceField(label=_("Reporting period"), choices=StatisticsPart.choices)


class PeriodicReportForm(LocalizedNumbersMixin, PortalModelForm):
    """Header figures and Table II. ``with_report_date`` is for the commune typing in a paper
    report; a report filed online is dated the day it is submitted."""

    fill_damage_from_records = forms.BooleanField(
        label=_("Fill Table II from the accident records"),
        required=False,
        help_text=_(
            "Replaces the figures of Table II with the days lost and costs recorded on the "
            "victims of the period's accidents."
        ),
    )

    class Meta:
        model = PeriodicAccidentReport
        fields = [*HEADER_FIELDS, *DAMAGE_FIELDS]
        widgets = {"report_date": DATE_WIDGET}
        help_texts = {
            "report_date": _("The date written on the paper report."),
            "recipient": _("The labour authority that receives the report (Sở Nội vụ)."),
            "payroll_million": _("Million VND (triệu đồng), as on the form."),
            "days_off": _("Days, including leave days under the benefit rules."),
            "cost_medical": _("Thousand VND (1.000 đ)."),
            "cost_wages": _("Thousand VND (1.000 đ)."),
            "cost_compensation": _("Thousand VND (1.000 đ)."),
            "cost_total": _(
                "Thousand VND (1.000 đ): medical costs + wages during treatment + compensation "
                "and allowances."
            ),
            "property_damage": _("Thousand VND (1.000 đ)."),
        }

    def __init__(
        self,
        *args,
        with_report_date: bool = False,
        damage_from_records: dict[str, int] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.damage_from_records = damage_from_records or {}
        if not with_report_date:
            del self.fields["report_date"]
        # A figure left empty means zero, as on the paper form.
        for name in ["workers_women", "payroll_million", *DAMAGE_FIELDS]:
            self.fields[name].required = False

    @property
    def header_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in HEADER_FIELDS if name in self.fields]

    @property
    def damage_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in DAMAGE_FIELDS]

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in ["workers_women", "payroll_million", *DAMAGE_FIELDS]:
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = 0
        if cleaned.get("fill_damage_from_records"):
            # The records' figures replace whatever was typed, so the sum rule holds.
            for name in DAMAGE_FIELDS:
                if name in self.damage_from_records:
                    cleaned[name] = self.damage_from_records[name]
        return cleaned

    def report_data(self) -> dict:
        """The model fields of the form, for ``reports.periodic_report_save``."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}
