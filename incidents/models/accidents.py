"""Occupational accidents: the canonical Accident with its victims, the immutable declarations
filed for it, the receipt-number counter and the versioned reference tables (DOMAIN §3)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from atvsld_portal.files import PrivateUploadTo
from atvsld_portal.models import AdministrativeUnit, Filing, TimeStampedModel, Village
from enterprises.models import Enterprise


# ------------------------------------------------------------------------------
# Reference tables: versioned data, never constants (DOMAIN §3.2, §3.9.2, §3.9.3)
# ------------------------------------------------------------------------------
class ReferenceEntry(models.Model):
    version = models.CharField(_("list version"), max_length=40)
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=255)
    is_provisional = models.BooleanField(_("provisional"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["version", "order", "code"]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class InjuryCode(ReferenceEntry):
    """An item of the serious-injury list (Phụ lục II NĐ 39/2016)."""

    group = models.CharField(_("group"), max_length=120, blank=True)

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("serious injury code")
        verbose_name_plural = _("serious injury codes")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="incidents_injurycode_unique")
        ]


class InjuryFactor(ReferenceEntry):
    class Meta(ReferenceEntry.Meta):
        verbose_name = _("injury factor")
        verbose_name_plural = _("injury factors")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="incidents_injuryfactor_unique"
            )
        ]


class Occupation(ReferenceEntry):
    class Meta(ReferenceEntry.Meta):
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="incidents_occupation_unique")
        ]


class Cause(models.TextChoices):
    """Causes of the Phụ lục XII form (DOMAIN §3.9.1); codes 1-9 are the shared convention."""

    NO_SAFETY_EQUIPMENT = "1", _("No safety equipment, or equipment not safe")
    NO_PPE_PROVIDED = "2", _("No personal protective equipment, or poor equipment")
    WORK_ORGANISATION = "3", _("Work not organised properly")
    NOT_TRAINED = "4", _("No or incomplete OSH training")
    NO_SAFE_PROCEDURE = "5", _("No safety procedure or safe working method")
    POOR_CONDITIONS = "6", _("Poor working conditions")
    RULES_VIOLATED = "7", _("Worker broke rules, procedures or safe working methods")
    PPE_NOT_USED = "8", _("Worker did not use personal protective equipment")
    OBJECTIVE = "9", _("Objective, hard to avoid, or cause not listed")


class QuickReportMethod(models.TextChoices):
    PHONE = "phone", pgettext_lazy("way of sending", "Phone")
    DOCUMENT = "document", _("Written report")
    EMAIL = "email", _("Email")
    IN_PERSON = "in_person", _("In person")


class InvestigationLevel(models.TextChoices):
    BASE = "base", _("Enterprise's base-level team")
    COMMUNE_RECORD = "commune_record", _("Commune incident record (biên bản)")
    PROVINCE = "province", _("Provincial team (Sở Nội vụ)")
    CENTRAL = "central", _("Central team")


# ------------------------------------------------------------------------------
# Accident
# ------------------------------------------------------------------------------
class AccidentQuerySet(models.QuerySet):
    def counted(self) -> AccidentQuerySet:
        """Accidents that count in statistics: declared, occupational, not technical incidents."""
        return self.filter(kind=Accident.Kind.ACCIDENT).exclude(
            status__in=[Accident.Status.DRAFT, Accident.Status.NOT_OCCUPATIONAL]
        )


class Accident(TimeStampedModel):
    """The canonical record of one occurrence, with one or more victims."""

    class Sector(models.TextChoices):
        EMPLOYED = "employed", _("Workers with a labour relation")
        INFORMAL = "informal", _("Workers without a labour contract")

    class Kind(models.TextChoices):
        ACCIDENT = "accident", _("Occupational accident")
        TECHNICAL_INCIDENT = "technical_incident", _("Technical incident causing loss of OSH")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Declared")
        RECEIVED = "received", _("Received by the commune")
        QUICK_REPORTED = "quick_reported", _("Quick report sent")
        UNDER_INVESTIGATION = "under_investigation", _("Under investigation")
        CLOSED = "closed", _("Closed, record published")
        NOT_OCCUPATIONAL = "not_occupational", _("Not an occupational accident")
        TRANSFERRED_POLICE = "transferred_police", _("Transferred to the police")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune where it happened"),
        on_delete=models.PROTECT,
        related_name="accidents",
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE},
    )
    sector = models.CharField(_("sector"), max_length=10, choices=Sector, default=Sector.EMPLOYED)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accidents",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.ACCIDENT)
    occurred_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=255)
    village = models.ForeignKey(
        Village,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accidents",
    )
    account = models.TextField(_("what happened and first assessment of the cause"))
    main_cause = models.CharField(_("main cause"), max_length=2, choices=Cause, blank=True)
    other_causes = models.JSONField(_("other causes"), default=list, blank=True)
    injury_factor = models.ForeignKey(
        InjuryFactor,
        verbose_name=_("injury factor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    commuting = models.BooleanField(
        _("on the way to or from work"),
        default=False,
        help_text=_("Counted only in row 2 of the enterprise report."),
    )
    property_damage = models.PositiveBigIntegerField(_("property damage (VND)"), default=0)
    declarant_name = models.CharField(_("declarant"), max_length=150, blank=True)
    declarant_position = models.CharField(_("declarant's position"), max_length=150, blank=True)
    declarant_phone = models.CharField(_("declarant's phone"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Filing.Channel, default=Filing.Channel.ONLINE
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    receipt_number = models.CharField(
        _("receipt number"), max_length=30, null=True, blank=True, unique=True
    )
    submitted_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    not_occupational_reason = models.TextField(
        _("why it is not an occupational accident"), blank=True
    )
    # Quick report (Mẫu 06, informal sector: a death or two or more seriously injured).
    quick_report_sent_at = models.DateTimeField(_("quick report sent at"), null=True, blank=True)
    quick_report_method = models.CharField(
        _("sent by"), max_length=20, choices=QuickReportMethod, blank=True
    )
    quick_report_recipients = models.TextField(_("sent to"), blank=True)
    # Investigation (Luật ATVSLĐ Art 35; DOMAIN §3.5).
    investigation_level = models.CharField(
        _("investigation level"), max_length=20, choices=InvestigationLevel, blank=True
    )
    investigation_started_on = models.DateField(
        _("investigation started on"), null=True, blank=True
    )
    needs_technical_examination = models.BooleanField(
        _("needs a technical or forensic examination"),
        default=False,
        help_text=_("Allows 60 days for a death."),
    )
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), default=0)
    record_published_on = models.DateField(_("record published (posted) on"), null=True, blank=True)
    status_note = models.TextField(_("note on the last step"), blank=True)
    # Set once the victims' personal fields are pseudonymised at the end of the retention period
    # (incidents.services.retention); the figures stay as they were.
    pseudonymised_at = models.DateTimeField(
        _("personal data pseudonymised at"), null=True, blank=True, editable=False
    )

    objects = AccidentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("occupational accident")
        verbose_name_plural = _("occupational accidents")
        ordering = ["-occurred_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sector="employed") | Q(enterprise__isnull=False),
                name="incidents_accident_employed_has_enterprise",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(receipt_number__isnull=False),
                name="incidents_accident_declared_has_number",
            ),
        ]
        indexes = [
            # Used by the commune inbox (incidents.selectors.accident_inbox).
            models.Index(
                fields=["commune", "status", "occurred_at"], name="incidents_accident_inbox"
            ),
            # Used by the retention job (incidents.services.retention).
            models.Index(
                fields=["occurred_at"],
                condition=Q(pseudonymised_at__isnull=True),
                name="incidents_accident_retain",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number or str(_("Draft declaration"))

    def get_absolute_url(self) -> str:
        return reverse("incidents:detail", kwargs={"public_id": self.public_id})

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def declaration_delay(self) -> timedelta | None:
        return self.submitted_at - self.occurred_at if self.submitted_at else None

    @property
    def is_late(self) -> bool:
        delay = self.declaration_delay
        return delay is not None and delay > timedelta(hours=24)

    def clean(self) -> None:
        super().clean()
        if self.sector == self.Sector.EMPLOYED and not self.enterprise_id:
            raise ValidationError(
                {
                    "enterprise": _(
                        "An accident of a worker with a labour relation needs its enterprise."
                    )
                }
            )
        if self.occurred_at and self.occurred_at > timezone.now():
            raise ValidationError({"occurred_at": _("The accident cannot be in the future.")})
        if self.main_cause and self.main_cause in (self.other_causes or []):
            raise ValidationError(
                {"other_causes": _("The main cause is already chosen; pick other causes only.")}
            )


class Victim(models.Model):
    class Sex(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class Severity(models.TextChoices):
        FATAL = "fatal", _("Died")
        SERIOUS = "serious", _("Seriously injured")
        MINOR = "minor", _("Minor injury")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="victims")
    full_name = models.CharField(_("full name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    personal_id = models.CharField(_("personal ID number"), max_length=12, blank=True)
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("occupation (list)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    occupation_name = models.CharField(_("occupation"), max_length=150)
    under_management = models.BooleanField(_("under the enterprise's management"), default=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity)
    injury_codes = models.ManyToManyField(
        InjuryCode, verbose_name=_("serious injuries"), blank=True, related_name="+"
    )
    treatment_place = models.CharField(_("treatment place"), max_length=255, blank=True)
    days_off = models.PositiveIntegerField(_("working days lost"), default=0)
    cost_medical = models.PositiveBigIntegerField(_("medical costs (VND)"), default=0)
    cost_wages = models.PositiveBigIntegerField(_("wages during treatment (VND)"), default=0)
    cost_compensation = models.PositiveBigIntegerField(_("compensation (VND)"), default=0)

    history = HistoricalRecords(m2m_fields=[injury_codes])

    class Meta:
        verbose_name = _("victim")
        verbose_name_plural = _("victims")
        ordering = ["accident", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(personal_id="") | Q(personal_id__regex=r"^\d{12}$"),
                name="incidents_victim_personal_id_12_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class IncidentRecord(TimeStampedModel):
    """The commune's biên bản ghi nhận sự việc for one seriously injured worker without a contract
    (NĐ 129/2025 Art 43.1; DOMAIN §3.6 step 3)."""

    accident = models.OneToOneField(
        Accident, on_delete=models.CASCADE, related_name="incident_record"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_place = models.CharField(_("recorded at (place)"), max_length=255)
    members_present = models.TextField(
        _("present"),
        help_text=_("Commune officials, police, the victim or family, witnesses; one per line."),
    )
    work_being_done = models.TextField(_("work being done"))
    injuries_and_treatment = models.TextField(_("injuries and treatment place"))
    preliminary_cause = models.TextField(_("preliminary cause"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("incident record")
        verbose_name_plural = _("incident records")

    def __str__(self) -> str:
        return f"{self.accident}"


class ReceiptCounter(models.Model):
    """The last receipt number given per commune and year, locked while a number is taken."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("receipt counter")
        verbose_name_plural = _("receipt counters")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year"], name="incidents_receiptcounter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune} {self.year}: {self.last}"


class AccidentDeclaration(models.Model):
    """One immutable filed version of a declaration; corrections are later versions."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="declarations")
    version = models.PositiveSmallIntegerField(_("version"))
    snapshot = models.JSONField(_("what was declared"))
    channel = models.CharField(
        _("channel"), max_length=10, choices=Filing.Channel, default=Filing.Channel.ONLINE
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    reason = models.TextField(_("reason for the correction"), blank=True)
    scan = models.FileField(
        _("scan of the paper declaration"),
        upload_to=PrivateUploadTo("accident-declarations"),
        blank=True,
        max_length=200,
    )
    receipt_pdf = models.FileField(
        upload_to=PrivateUploadTo("accident-receipts"), blank=True, max_length=200
    )
    # A correction is proposed as a draft, then submitted, then applied by an official.
    is_draft = models.BooleanField(_("draft correction"), default=False)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("accident declaration")
        verbose_name_plural = _("accident declarations")
        ordering = ["accident", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["accident", "version"], name="incidents_declaration_one_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.accident} v{self.version}"
