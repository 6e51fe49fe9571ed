"""Occupational diseases (DOMAIN §5): the versioned list of compensable diseases, the detection-exam
rounds enterprises hold for exposed workers, and the individual case records."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from atvsld_portal.files import PrivateUploadTo, validate_private_file
from atvsld_portal.models import AdministrativeUnit, Filing, TimeStampedModel
from enterprises.models import Enterprise, HarmfulFactor, MonitoringRecord
from incidents.models.accidents import ReferenceEntry


class OccupationalDisease(ReferenceEntry):
    """A disease of the list covered by social insurance (TT 15/2016/TT-BYT, TT 02/2023/TT-BYT)."""

    group = models.CharField(_("group"), max_length=120)
    legal_source = models.CharField(_("legal source"), max_length=120)
    valid_from = models.DateField(_("valid from"))

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("occupational disease")
        verbose_name_plural = _("occupational diseases")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="incidents_occupationaldisease_unique"
            )
        ]


class DiseaseExamQuerySet(models.QuerySet):
    def approved(self) -> DiseaseExamQuerySet:
        return self.filter(status=Filing.Status.APPROVED)


class DiseaseExam(Filing):
    """One round of occupational-disease detection exams held by an enterprise for its exposed
    workers. Approved rounds give the examined count, quarter by quarter, by exam date."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="disease_exams",
    )
    exam_date = models.DateField(_("exam date"))
    facility = models.CharField(_("occupational-disease exam facility"), max_length=255)
    workers_examined = models.PositiveIntegerField(_("workers examined"))
    suspected = models.PositiveIntegerField(_("suspected cases"), default=0)
    confirmed = models.PositiveIntegerField(_("confirmed cases"), default=0)
    diseases_screened = models.ManyToManyField(
        OccupationalDisease,
        verbose_name=_("diseases screened for"),
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    result_file = models.FileField(
        _("exam result report"),
        upload_to=PrivateUploadTo("disease-exams"),
        blank=True,
        max_length=200,
        validators=[validate_private_file],
    )

    objects = DiseaseExamQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("disease detection exam round")
        verbose_name_plural = _("disease detection exam rounds")
        ordering = ["-exam_date", "enterprise__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(suspected__lte=F("workers_examined"))
                & Q(confirmed__lte=F("workers_examined")),
                name="incidents_diseaseexam_cases_le_examined",
            ),
            models.CheckConstraint(
                condition=Q(workers_examined__gte=1), name="incidents_diseaseexam_examined_ge_1"
            ),
        ]
        indexes = [
            # Used by the examined count of a period (approved rounds by exam date).
            models.Index(fields=["status", "exam_date"], name="incidents_diseaseexam_period"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} - {self.exam_date:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("diseases:exam_detail", kwargs={"public_id": self.public_id})

    @property
    def year(self) -> int:
        return self.exam_date.year

    @property
    def quarter(self) -> int:
        return (self.exam_date.month - 1) // 3 + 1

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.exam_date and self.exam_date > timezone.localdate():
            errors["exam_date"] = _("The exam date cannot be in the future.")
        if self.workers_examined is not None:
            if self.suspected > self.workers_examined:
                errors["suspected"] = _("Suspected cases cannot outnumber the workers examined.")
            if self.confirmed > self.workers_examined:
                errors["confirmed"] = _("Confirmed cases cannot outnumber the workers examined.")
        if errors:
            raise ValidationError(errors)

    def build_master_snapshot(self) -> dict:
        return self.enterprise.master_data()


class DiseaseCase(TimeStampedModel):
    """One worker's occupational-disease record (DOMAIN §5.3, aligned with TT 28/2016)."""

    class Sex(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class Result(models.TextChoices):
        SUSPECTED = "suspected", _("Suspected")
        CONFIRMED = "confirmed", _("Confirmed")
        NEGATIVE = "negative", _("Not affected")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="disease_cases",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disease_cases",
        help_text=_("Leave empty for a worker without a labour contract."),
    )
    exam = models.ForeignKey(
        DiseaseExam,
        verbose_name=_("exam round"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    full_name = models.CharField(_("full name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex)
    birth_date = models.DateField(_("date of birth"))
    personal_id = models.CharField(_("personal ID number"), max_length=12, blank=True)
    job = models.CharField(_("job"), max_length=150)
    years_in_job = models.DecimalField(
        _("years in the job"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("80"))],
    )
    exposure_factors = models.ManyToManyField(
        HarmfulFactor, verbose_name=_("harmful factors exposed to"), related_name="+"
    )
    exposure_months = models.PositiveIntegerField(_("exposure duration (months)"))
    monitoring_record = models.ForeignKey(
        MonitoringRecord,
        verbose_name=_("monitoring record documenting the exposure"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disease_cases",
    )
    exposure_confirmation = models.FileField(
        _("exposure confirmation (minutes)"),
        upload_to=PrivateUploadTo("disease-exposure"),
        blank=True,
        max_length=200,
        validators=[validate_private_file],
    )
    exam_date = models.DateField(_("exam date"))
    exam_facility = models.CharField(_("occupational-disease exam facility"), max_length=255)
    disease = models.ForeignKey(
        OccupationalDisease,
        verbose_name=_("diagnosis"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    result = models.CharField(_("conclusion"), max_length=10, choices=Result)
    capacity_loss_percent = models.PositiveSmallIntegerField(
        _("loss of working capacity (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("From the medical assessment, if there was one."),
    )
    follow_up = models.TextField(_("follow-up (treatment, job change, benefits)"), blank=True)
    insurance_note = models.CharField(_("social insurance claim"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Set once the worker's personal fields are pseudonymised at the end of the retention period
    # (incidents.services.retention); the date of birth then keeps its year only (1 January).
    pseudonymised_at = models.DateTimeField(
        _("personal data pseudonymised at"), null=True, blank=True, editable=False
    )

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[exposure_factors])

    class Meta:
        verbose_name = _("occupational-disease case")
        verbose_name_plural = _("occupational-disease cases")
        ordering = ["-exam_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(personal_id="") | Q(personal_id__regex=r"^\d{12}$"),
                name="incidents_diseasecase_personal_id_12_digits",
            ),
            models.CheckConstraint(
                condition=Q(result="negative") | Q(disease__isnull=False),
                name="incidents_diseasecase_positive_has_disease",
            ),
            models.CheckConstraint(
                condition=Q(capacity_loss_percent__isnull=True) | Q(capacity_loss_percent__lte=100),
                name="incidents_diseasecase_capacity_loss_le_100",
            ),
        ]
        indexes = [
            models.Index(fields=["commune", "exam_date"], name="incidents_diseasecase_commune"),
            # Used by the retention job (incidents.services.retention).
            models.Index(
                fields=["exam_date"],
                condition=Q(pseudonymised_at__isnull=True),
                name="incidents_diseasecase_retain",
            ),
        ]

    def __str__(self) -> str:
        disease = self.disease.name if self.disease_id else self.get_result_display()
        return f"{disease} - {self.exam_date:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("diseases:case_detail", kwargs={"public_id": self.public_id})

    def clean(self) -> None:
        super().clean()
        errors: dict[str, object] = {}
        today = timezone.localdate()
        if self.birth_date and self.birth_date > today:
            errors["birth_date"] = _("The date of birth cannot be in the future.")
        if self.exam_date and self.exam_date > today:
            errors["exam_date"] = _("The exam date cannot be in the future.")
        if (
            self.birth_date
            and self.exam_date
            and "birth_date" not in errors
            and self.birth_date >= self.exam_date
        ):
            errors["birth_date"] = _("The date of birth must be before the exam date.")
        if self.result in {self.Result.SUSPECTED, self.Result.CONFIRMED} and not self.disease_id:
            errors["disease"] = _("Choose the disease for a suspected or confirmed case.")
        if (
            self.result == self.Result.CONFIRMED
            and not self.monitoring_record_id
            and not self.exposure_confirmation
        ):
            errors["monitoring_record"] = _(
                "A confirmed case needs the monitoring record that documents the exposure, "
                "or an uploaded exposure confirmation."
            )
        if (
            self.monitoring_record_id
            and self.enterprise_id
            and self.monitoring_record.enterprise_id != self.enterprise_id
        ):
            errors["monitoring_record"] = _(
                "The monitoring record must belong to the same employer."
            )
        if self.exam_id and self.enterprise_id and self.exam.enterprise_id != self.enterprise_id:
            errors["exam"] = _("The exam round must belong to the same employer.")
        if errors:
            raise ValidationError(errors)
