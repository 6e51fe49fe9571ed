"""Periodic accident statistics: the enterprise's Phụ lục XII report and the commune's report on
the informal sector to Sở Nội vụ (DOMAIN §3.7, §3.8).

Table I of Phụ lục XII is never typed: it is computed from the accident records
(``incidents.statistics``) while the report is editable and frozen into ``table`` when it is
submitted, so the filed document stays what was filed and a later correction of an accident shows
up as a disagreement instead of silently rewriting it.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from atvsld_portal.models import AdministrativeUnit, Filing, ReportingPeriod
from enterprises.models import Enterprise


def thousand_vnd(label) -> models.PositiveBigIntegerField:
    return models.PositiveBigIntegerField(label, default=0, help_text=_("thousand VND"))


class StatisticsPart(models.TextChoices):
    H1 = ReportingPeriod.Part.H1.value, _("First half year")
    YEAR = ReportingPeriod.Part.YEAR.value, _("Whole year")


class PeriodicAccidentReport(Filing):
    """Báo cáo tổng hợp tình hình tai nạn lao động (NĐ 39 Phụ lục XII) of one enterprise."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="accident_statistics_reports",
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        on_delete=models.PROTECT,
        related_name="accident_statistics_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    part = models.CharField(_("reporting period"), max_length=4, choices=StatisticsPart)
    report_date = models.DateField(_("report date"), null=True, blank=True)
    recipient = models.CharField(_("recipient"), max_length=200, blank=True)
    # Header figures the records do not hold.
    workers_total = models.PositiveIntegerField(_("total workers"), default=0)
    workers_women = models.PositiveIntegerField(_("of whom women"), default=0)
    payroll_million = models.DecimalField(
        _("total payroll"),
        max_digits=14,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("million VND"),
    )
    # Table II — damage (money in thousand VND, as on the form).
    days_off = models.PositiveIntegerField(_("working days lost (including leave days)"), default=0)
    cost_total = thousand_vnd(_("total cost"))
    cost_medical = thousand_vnd(_("medical costs"))
    cost_wages = thousand_vnd(_("wages during treatment"))
    cost_compensation = thousand_vnd(_("compensation and allowances"))
    property_damage = thousand_vnd(_("property damage"))
    # Table I as submitted (see incidents.statistics.table_i); empty while editable.
    table = models.JSONField(_("Table I as filed"), default=dict, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("accident statistics report")
        verbose_name_plural = _("accident statistics reports")
        ordering = ["-year", "part", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "part"],
                name="incidents_periodicaccidentreport_one_per_period",
            ),
            models.CheckConstraint(
                condition=Q(workers_women__lte=F("workers_total")),
                name="incidents_periodicaccidentreport_women_le_total",
            ),
            models.CheckConstraint(
                condition=Q(payroll_million__gte=0),
                name="incidents_periodicaccidentreport_payroll_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(part__in=["h1", "year"]),
                name="incidents_periodicaccidentreport_part_valid",
            ),
        ]
        indexes = [
            # Used by the compliance table and the filing list of a period.
            models.Index(fields=["period", "status"], name="incidents_par_period_status"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} - {self.get_part_display()} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("statistics:report_detail", kwargs={"public_id": self.public_id})

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.workers_women > self.workers_total:
            errors["workers_women"] = _("Women cannot outnumber all workers.")
        expected = self.cost_medical + self.cost_wages + self.cost_compensation
        if self.cost_total != expected:
            errors["cost_total"] = _(
                "The total cost must equal medical costs + wages during treatment + "
                "compensation and allowances (%(expected)s thousand VND)."
            ) % {"expected": f"{expected:,}".replace(",", ".")}
        if errors:
            raise ValidationError(errors)

    def build_master_snapshot(self) -> dict:
        return self.enterprise.master_data()


class CommuneAccidentReport(Filing):
    """The commune People's Committee's report on accidents of workers without a labour contract
    (NĐ 39 Art 24.2, Phụ lục XVI), sent to Sở Nội vụ for the first half and the whole year.

    Submitting it means "sent": the date and the way it went are recorded, so the province view
    can tell whether it arrived on time. Its figures are frozen into ``content`` when it is sent.
    """

    class SentVia(models.TextChoices):
        ONLINE = "online", _("Document management system")
        EMAIL = "email", _("Email")
        POST = "post", _("Post")
        HAND = "hand", _("By hand")
        FAX = "fax", _("Fax")

    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="commune_accident_reports",
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        on_delete=models.PROTECT,
        related_name="commune_accident_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    part = models.CharField(_("reporting period"), max_length=4, choices=StatisticsPart)
    form_version = models.CharField(_("form version"), max_length=40)
    document_number = models.CharField(
        _("document number"), max_length=60, blank=True, help_text=_("e.g. 45/BC-UBND")
    )
    report_date = models.DateField(_("report date"), null=True, blank=True)
    recipient = models.CharField(_("recipient"), max_length=200, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    remarks = models.TextField(
        _("remarks and proposals"),
        blank=True,
        help_text=_("Printed after the tables; the figures themselves come from the register."),
    )
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    sent_via = models.CharField(_("sent by"), max_length=10, choices=SentVia, blank=True)
    content = models.JSONField(_("figures as sent"), default=dict, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("commune accident report")
        verbose_name_plural = _("commune accident reports")
        ordering = ["-year", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year", "part"],
                name="incidents_communeaccidentreport_one_per_period",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(status="reopened") | Q(sent_on__isnull=False),
                name="incidents_communeaccidentreport_sent_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune} - {self.get_part_display()} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("commune_reports:detail", kwargs={"public_id": self.public_id})

    @property
    def is_sent(self) -> bool:
        return self.status in {self.Status.SUBMITTED, self.Status.APPROVED}

    @property
    def is_on_time(self) -> bool | None:
        if self.sent_on is None:
            return None
        return self.sent_on <= self.period.due_on

    def build_master_snapshot(self) -> dict:
        return {"commune": self.commune.name, "code": self.commune.code}
