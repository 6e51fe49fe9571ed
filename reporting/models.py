"""Computed indicator values, the runs that computed them, and historical aggregates for the years
before the portal (DOMAIN §4).

Values are never typed: a run recomputes a commune's year from the source records and upserts
one row per (commune, year, quarter, code) — quarter 0 is the full year, 1-4 quarter-to-date.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from atvsld_portal.files import PrivateUploadTo, validate_private_file
from atvsld_portal.indicators import IndicatorCode
from atvsld_portal.models import AdministrativeUnit, TimeStampedModel


class ComputationRun(models.Model):
    """One recompute of one commune's year (or a dry run that wrote nothing)."""

    class Trigger(models.TextChoices):
        RECORD_CHANGED = "record_changed", _("A record changed")
        NIGHTLY = "nightly", _("Nightly safety run")
        COMMAND = "command", _("Management command")
        MANUAL = "manual", _("Requested by an official")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped: already up to date")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="indicator_runs"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    values_written = models.PositiveIntegerField(_("values written"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("indicator computation run")
        verbose_name_plural = _("indicator computation runs")
        ordering = ["-started_at", "-pk"]
        indexes = [
            # Used to find the last successful run of a commune's year (coalescing).
            models.Index(
                fields=["commune", "year", "status", "started_at"], name="reporting_run_last"
            ),
        ]

    def __str__(self) -> str:
        started = timezone.localtime(self.started_at)
        return f"{self.commune} {self.year} {self.get_trigger_display()} {started:%d/%m/%Y %H:%M}"


class ComputationLock(models.Model):
    """A row to lock while one commune's year is recomputed, so two runs never interleave."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="reporting_lock_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.commune_id}/{self.year}"


class IndicatorValue(models.Model):
    class Status(models.TextChoices):
        MET = "met", _("Met")
        NOT_MET = "not_met", _("Not met")
        INSUFFICIENT = "insufficient", _("Insufficient data")
        NO_TARGET = "no_target", _("No target")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="indicator_values"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), help_text=_("0 = the full year; 1-4 = from 1 January to the quarter's end")
    )
    code = models.CharField(_("indicator"), max_length=40, choices=IndicatorCode)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3, null=True, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=14, decimal_places=3, default=0)
    denominator = models.DecimalField(
        _("denominator"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    method = models.CharField(_("method"), max_length=20, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    target_text = models.CharField(_("target"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.NO_TARGET)
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("Part of the figure comes from a fallback source (tạm tính)."),
    )
    source_note = models.CharField(_("sources"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    run = models.ForeignKey(
        ComputationRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="values"
    )
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["commune", "-year", "quarter", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year", "quarter", "code"],
                name="reporting_indicatorvalue_one_per_key",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=0, quarter__lte=4),
                name="reporting_indicatorvalue_quarter_0_4",
            ),
        ]

    def __str__(self) -> str:
        quarter = f" Q{self.quarter}" if self.quarter else ""
        return f"{self.get_code_display()} {self.year}{quarter}: {self.value}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:explain", kwargs={"public_id": self.public_id})


class HistoricalAggregate(TimeStampedModel):
    """A commune's figures for a year before the portal, typed from an official document.

    Indicators use it only for a year without records of that sector, and say so."""

    class Sector(models.TextChoices):
        EMPLOYED = "employed", _("Workers with a labour relation")
        INFORMAL = "informal", _("Workers without a labour contract")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="historical_aggregates",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sector = models.CharField(_("sector"), max_length=10, choices=Sector, default=Sector.EMPLOYED)
    accidents = models.PositiveIntegerField(_("accidents"), default=0)
    victims = models.PositiveIntegerField(_("people injured"), default=0)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    serious = models.PositiveIntegerField(_("seriously injured"), default=0)
    workforce = models.PositiveIntegerField(
        _("workforce (N)"), null=True, blank=True, help_text=_("Workers covered by the reports.")
    )
    exposed = models.PositiveIntegerField(
        _("workers exposed to harmful factors"), null=True, blank=True
    )
    examined = models.PositiveIntegerField(_("exposed workers examined"), null=True, blank=True)
    harmful_establishments = models.PositiveIntegerField(
        _("establishments with harmful factors"), null=True, blank=True
    )
    monitored_establishments = models.PositiveIntegerField(
        _("establishments with harmful factors that were monitored"), null=True, blank=True
    )
    source_document = models.CharField(_("source document number"), max_length=120)
    source_date = models.DateField(_("source document date"))
    scan = models.FileField(
        _("scan of the source document"),
        upload_to=PrivateUploadTo("historical-aggregates"),
        blank=True,
        max_length=200,
        validators=[validate_private_file],
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("historical aggregate")
        verbose_name_plural = _("historical aggregates")
        ordering = ["commune", "-year", "sector"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year", "sector"], name="reporting_historical_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(deaths__lte=models.F("victims")) & Q(serious__lte=models.F("victims")),
                name="reporting_historical_deaths_serious_le_victims",
            ),
            models.CheckConstraint(
                condition=Q(examined__isnull=True)
                | Q(exposed__isnull=True)
                | Q(examined__lte=models.F("exposed")),
                name="reporting_historical_examined_le_exposed",
            ),
            models.CheckConstraint(
                condition=Q(monitored_establishments__isnull=True)
                | Q(harmful_establishments__isnull=True)
                | Q(monitored_establishments__lte=models.F("harmful_establishments")),
                name="reporting_historical_monitored_le_harmful",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune} {self.year} ({self.get_sector_display()})"

    def get_absolute_url(self) -> str:
        return reverse("reporting:historical_detail", kwargs={"public_id": self.public_id})


# ------------------------------------------------------------------------------
# The printed report to the Party committee (DOMAIN §8)
# ------------------------------------------------------------------------------
class CommuneDocumentSettings(TimeStampedModel):
    """How a commune's documents are signed and addressed (Decree 30 signer block, Nơi nhận)."""

    commune = models.OneToOneField(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        related_name="document_settings",
    )
    place = models.CharField(
        _("place name on documents"), max_length=100, help_text=_("e.g. Ea Ly")
    )
    signer_authority = models.CharField(
        _("signing authority"), max_length=60, default="TM. ỦY BAN NHÂN DÂN"
    )
    signer_deputy = models.CharField(
        _("signing for the head"), max_length=60, blank=True, default="KT. CHỦ TỊCH"
    )
    signer_title = models.CharField(_("signer's title"), max_length=60, default="PHÓ CHỦ TỊCH")
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    recipients = models.TextField(
        _("recipients (Nơi nhận)"),
        help_text=_("One per line, as printed, e.g. “- Thường trực Đảng ủy xã (b/c);”."),
        default=(
            "- Thường trực Đảng ủy xã (b/c);\n- Thường trực HĐND xã;\n- CT, các PCT UBND xã;\n"
            "- UBMTTQVN xã;\n- Lưu: VT, VHXH."
        ),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("commune document settings")
        verbose_name_plural = _("commune document settings")

    def __str__(self) -> str:
        return str(self.commune)


class QuarterlyReport(TimeStampedModel):
    """A report of the commune People's Committee drafted from the data: the quarterly report to
    the Party committee and its variants (6-month, annual, OSH Action Month, annual report to the
    People's Council). Draft → generating → ready (→ failed, retried) → issued (frozen)."""

    class Variant(models.TextChoices):
        QUARTERLY = "quarterly", _("Quarterly report")
        HALF_YEAR = "half_year", _("6-month report")
        ANNUAL = "annual", _("Annual report")
        ACTION_MONTH = "action_month", _("OSH Action Month result report")
        COUNCIL = "council", _("Annual report to the People's Council")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        GENERATING = "generating", _("Generating")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Generation failed")
        ISSUED = "issued", _("Issued")

    NARRATIVE_FIELDS = (
        "introduction",
        "leadership",
        "strengths",
        "shortcomings",
        "causes",
        "next_tasks",
        "proposals",
    )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    verify_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="quarterly_reports",
    )
    variant = models.CharField(_("kind of report"), max_length=15, choices=Variant)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), default=0, help_text=_("1-4 for a quarterly report, else 0")
    )
    symbol = models.CharField(_("symbol"), max_length=30, default="BC-UBND")
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    number_year = models.PositiveSmallIntegerField(
        _("numbering year"),
        null=True,
        blank=True,
        help_text=_("Documents are numbered from 01 each calendar year of signing (Decree 30)."),
    )
    place = models.CharField(_("place"), max_length=100)
    title = models.CharField(_("title"), max_length=60, default="BÁO CÁO")
    summary = models.CharField(_("summary line"), max_length=400)
    signer_authority = models.CharField(_("signing authority"), max_length=60)
    signer_deputy = models.CharField(_("signing for the head"), max_length=60, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=60)
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    recipients = models.TextField(_("recipients (Nơi nhận)"))
    # The parts the official writes; drafted from the data as a starting point.
    introduction = models.TextField(_("introduction"), blank=True)
    leadership = models.TextField(_("I.1 leadership and documents issued"), blank=True)
    strengths = models.TextField(_("II.1 strengths"), blank=True)
    shortcomings = models.TextField(_("II.2 shortcomings"), blank=True)
    causes = models.TextField(_("II.3 causes"), blank=True)
    next_tasks = models.TextField(_("III. tasks for the next period"), blank=True)
    proposals = models.TextField(_("IV. proposals"), blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_step = models.CharField(_("step"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    generation_requested_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    pdf = models.FileField(
        _("PDF"), upload_to=PrivateUploadTo("quarterly-reports"), blank=True, max_length=200
    )
    data = models.JSONField(
        _("figures"), default=dict, blank=True, help_text=_("The figures the PDF was built from.")
    )
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sha256 = models.CharField(_("SHA-256 of the issued PDF"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "data", "progress", "progress_step"])

    class Meta:
        verbose_name = _("report to the Party committee")
        verbose_name_plural = _("reports to the Party committee")
        ordering = ["-year", "-quarter", "variant"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "number_year", "symbol", "number"],
                condition=Q(number__isnull=False),
                name="reporting_quarterlyreport_unique_number",
            ),
            models.CheckConstraint(
                condition=~Q(status="issued")
                | (Q(number__isnull=False) & Q(signed_on__isnull=False) & ~Q(sha256="")),
                name="reporting_quarterlyreport_issued_is_complete",
            ),
            models.CheckConstraint(
                condition=(Q(variant="quarterly") & Q(quarter__gte=1) & Q(quarter__lte=4))
                | (~Q(variant="quarterly") & Q(quarter=0)),
                name="reporting_quarterlyreport_quarter_matches_variant",
            ),
        ]

    def __str__(self) -> str:
        number = f"{self.number:02d}/{self.symbol}" if self.number else _("draft")
        return f"{self.get_variant_display()} {self.period_label} ({number})"

    def get_absolute_url(self) -> str:
        return reverse("reporting:report_detail", kwargs={"public_id": self.public_id})

    @property
    def period_label(self) -> str:
        if self.variant == self.Variant.QUARTERLY:
            return f"Q{self.quarter}/{self.year}"
        return str(self.year)

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED

    @property
    def number_text(self) -> str:
        """``05/BC-UBND`` (numbers below 10 padded, Decree 30), or ``   /BC-UBND`` for a draft."""
        if self.number is None:
            return f"     /{self.symbol}"
        return f"{self.number:02d}/{self.symbol}"
