"""The enterprise registry: enterprises, their members, annual OSH reports, monitoring records,
and the reference tables they use (editable data, never constants in code)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from atvsld_portal.files import PrivateUploadTo, validate_private_file
from atvsld_portal.models import (
    AdministrativeUnit,
    Filing,
    ReportingPeriod,
    TimeStampedModel,
    Village,
)
from atvsld_portal.text import normalise_search
from enterprises.validators import validate_enterprise_tax_code, validate_vsic_code

# ------------------------------------------------------------------------------
# Reference tables (DOMAIN §3.9.4, §9.3, §6.2): versioned data an administrator can edit
# ------------------------------------------------------------------------------


class OwnershipType(models.Model):
    """Loại hình cơ sở."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_household = models.BooleanField(
        _("household business"),
        default=False,
        help_text=_("May use a 12-digit personal ID or no tax code."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("ownership type")
        verbose_name_plural = _("ownership types")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ActivityVersion(models.TextChoices):
    VSIC_2018 = "2018", _("VSIC 2018 (QĐ 27/2018/QĐ-TTg)")
    VSIC_2025 = "2025", _("VSIC 2025 (QĐ 36/2025/QĐ-TTg)")


class ActivitySection(models.Model):
    """A VSIC section (letter) of one version, with the high-risk flag used by the registry."""

    version = models.CharField(_("VSIC version"), max_length=4, choices=ActivityVersion)
    letter = models.CharField(_("section"), max_length=1)
    name = models.CharField(_("name"), max_length=255)
    is_high_risk = models.BooleanField(_("high OSH risk"), default=False)

    class Meta:
        verbose_name = _("economic activity section")
        verbose_name_plural = _("economic activity sections")
        ordering = ["version", "letter"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "letter"], name="enterprises_activitysection_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter} - {self.name}"


class ActivityDivision(models.Model):
    """A VSIC division (2 digits) and the section it belongs to, per version."""

    version = models.CharField(_("VSIC version"), max_length=4, choices=ActivityVersion)
    code = models.CharField(_("division"), max_length=2)
    section = models.ForeignKey(ActivitySection, on_delete=models.PROTECT, related_name="divisions")
    name = models.CharField(_("name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("economic activity division")
        verbose_name_plural = _("economic activity divisions")
        ordering = ["version", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="enterprises_activitydivision_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.version})"

    def clean(self) -> None:
        if self.section_id and self.section.version != self.version:
            raise ValidationError({"section": _("The section must be of the same VSIC version.")})


class HarmfulFactor(models.Model):
    """A factor measured by workplace monitoring (annual report section 9 columns)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    standard = models.CharField(
        _("standard"), max_length=60, blank=True, help_text=_("e.g. QCVN 24:2016/BYT")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("harmful factor")
        verbose_name_plural = _("harmful factors")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


# ------------------------------------------------------------------------------
# Enterprise
# ------------------------------------------------------------------------------
class EnterpriseQuerySet(models.QuerySet):
    def active(self) -> EnterpriseQuerySet:
        return self.filter(status=Enterprise.Status.ACTIVE)

    def search(self, query: str) -> EnterpriseQuerySet:
        """Name or tax code, ignoring case and Vietnamese marks (đ → d)."""
        needle = normalise_search(query)
        if not needle:
            return self
        digits = "".join(query.split())
        return self.filter(Q(name_search__contains=needle) | Q(tax_code__startswith=digits))

    def for_list(self) -> EnterpriseQuerySet:
        return self.select_related("village", "ownership_type", "activity_section")


class Enterprise(TimeStampedModel):
    """Any employer in the commune's registry, household businesses included."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Registration awaiting approval")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Registration refused")

    class OshOfficerType(models.TextChoices):
        FULL_TIME = "full_time", _("Full-time (chuyên trách)")
        PART_TIME = "part_time", _("Part-time (bán chuyên trách)")
        SERVICE = "service", _("Hired service (thuê dịch vụ)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="enterprises",
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE},
    )
    village = models.ForeignKey(
        Village,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
    )
    name = models.CharField(_("name"), max_length=255)
    name_search = models.CharField(max_length=255, editable=False, db_index=False)
    tax_code = models.CharField(
        _("tax code"),
        max_length=14,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_enterprise_tax_code],
        help_text=_(
            "10 digits; 10-3 for a branch; a household business may use a 12-digit personal ID."
        ),
    )
    needs_verification = models.BooleanField(
        _("needs verification"),
        default=False,
        help_text=_("No tax code: identity to be checked by the commune."),
    )
    ownership_type = models.ForeignKey(
        OwnershipType,
        verbose_name=_("ownership type"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    activity_version = models.CharField(
        _("VSIC version"), max_length=4, choices=ActivityVersion, default=ActivityVersion.VSIC_2025
    )
    activity_code = models.CharField(
        _("economic activity code"), max_length=5, blank=True, validators=[validate_vsic_code]
    )
    activity_section = models.ForeignKey(
        ActivitySection,
        verbose_name=_("economic activity section"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        help_text=_("Prefilled from the activity code; may be corrected."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True, help_text=_("Stored as +84…"))
    email = models.EmailField(_("email"), blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=150, blank=True)
    osh_officer_name = models.CharField(_("OSH officer"), max_length=150, blank=True)
    osh_officer_type = models.CharField(
        _("OSH officer type"), max_length=10, choices=OshOfficerType, blank=True
    )
    osh_officer_certificate_expiry = models.DateField(
        _("OSH officer certificate expires on"), null=True, blank=True
    )
    medical_officer = models.CharField(_("medical officer"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.ACTIVE, db_index=True
    )
    workforce_total = models.PositiveIntegerField(_("workers"), default=0)
    workforce_women = models.PositiveIntegerField(_("women workers"), default=0)
    payroll = models.PositiveBigIntegerField(_("annual payroll (VND)"), default=0)
    workforce_as_of_year = models.PositiveSmallIntegerField(
        _("workforce from the report of year"), null=True, blank=True
    )
    has_harmful_factors = models.BooleanField(_("has harmful factors"), default=False)

    objects = EnterpriseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["name_search", "updated_at"])

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "name_search", "village"],
                condition=Q(tax_code__isnull=True),
                name="enterprises_enterprise_unique_without_tax_code",
            ),
            models.CheckConstraint(
                condition=Q(workforce_women__lte=F("workforce_total")),
                name="enterprises_enterprise_women_le_total",
            ),
            models.CheckConstraint(
                condition=Q(tax_code__isnull=False) | Q(needs_verification=True),
                name="enterprises_enterprise_flag_without_tax_code",
            ),
        ]
        indexes = [
            # Used by the registry list (enterprises.selectors.enterprise_list_for_user).
            models.Index(fields=["commune", "status", "name"], name="enterprises_registry"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:detail", kwargs={"public_id": self.public_id})

    def clean(self) -> None:
        super().clean()
        self._flag_without_tax_code()

    def save(self, *args, **kwargs) -> None:
        self.name_search = normalise_search(self.name)
        self._flag_without_tax_code()
        super().save(*args, **kwargs)

    def _flag_without_tax_code(self) -> None:
        """No tax code: stored as NULL (so uniqueness ignores it) and flagged for verification."""
        if not self.tax_code:
            self.tax_code = None
            self.needs_verification = True

    @property
    def is_high_risk(self) -> bool:
        return bool(self.activity_section_id and self.activity_section.is_high_risk)

    @property
    def is_household(self) -> bool:
        return self.ownership_type.is_household

    def master_data(self) -> dict:
        """What a filing freezes at submission."""
        return {
            "name": self.name,
            "tax_code": self.tax_code or "",
            "ownership_type": str(self.ownership_type),
            "activity_version": self.activity_version,
            "activity_code": self.activity_code,
            "activity_section": self.activity_section.letter if self.activity_section_id else "",
            "address": self.address,
            "village": str(self.village) if self.village_id else "",
            "workforce_total": self.workforce_total,
            "workforce_women": self.workforce_women,
            "payroll": self.payroll,
        }


class EnterpriseRegistration(TimeStampedModel):
    """An enterprise that registered itself on the portal, waiting for the commune's decision."""

    enterprise = models.OneToOneField(
        Enterprise, on_delete=models.CASCADE, related_name="registration"
    )
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=16, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("enterprise registration")
        verbose_name_plural = _("enterprise registrations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.enterprise} ({self.contact_email})"


class EnterpriseMember(TimeStampedModel):
    """A user who files for an enterprise (one user may file for several)."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner or legal representative")
        OSH_OFFICER = "osh_officer", _("OSH officer")
        SERVICE = "service", _("Hired OSH service")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enterprise_memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role, default=Role.OSH_OFFICER)
    is_active = models.BooleanField(_("active"), default=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise member")
        verbose_name_plural = _("enterprise members")
        ordering = ["enterprise", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "enterprise"], name="enterprises_enterprisemember_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise}"


# ------------------------------------------------------------------------------
# Annual OSH report (Báo cáo công tác ATVSLĐ, DOMAIN §7.7)
# ------------------------------------------------------------------------------
def count(label: str, **kwargs) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, default=0, **kwargs)


def money(label: str) -> models.PositiveBigIntegerField:
    return models.PositiveBigIntegerField(label, default=0, help_text=_("VND"))


class AnnualOshReportQuerySet(models.QuerySet):
    def approved(self) -> AnnualOshReportQuerySet:
        return self.filter(status=Filing.Status.APPROVED)

    def for_year(self, year: int) -> AnnualOshReportQuerySet:
        return self.filter(year=year)


class AnnualOshReport(Filing):
    """The statutory annual OSH work report of an enterprise (all 13 sections of the form),
    plus the two figures the targets need: workers exposed to harmful factors and how many of
    them had an occupational-disease detection exam."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="annual_reports"
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="annual_osh_reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))

    # 1. Labour
    workers_total = count(_("total workers"))
    workers_osh_staff = count(_("OSH staff"))
    workers_medical_staff = count(_("medical staff"))
    workers_women = count(_("women"))
    workers_hazardous = count(_("doing heavy, hazardous or dangerous work (types IV, V, VI)"))
    workers_minors = count(_("minors"))
    workers_under_15 = count(_("under 15"))
    workers_disabled = count(_("with disabilities"))
    workers_elderly = count(_("elderly workers"))
    workers_exposed = count(_("exposed to harmful factors"))
    workers_exposed_examined = count(_("of whom had an occupational-disease detection exam"))
    # 2. Occupational accidents
    accidents = count(_("accidents"))
    accidents_fatal = count(_("accidents with deaths"))
    accident_victims = count(_("people injured"))
    accident_deaths = count(_("deaths"))
    accident_cost = money(_("total cost of accidents"))
    accident_days_off = count(_("working days lost to accidents"))
    # 3. Occupational diseases
    diseases_cumulative = count(_("cases to date"))
    diseases_new = count(_("new cases"))
    disease_days_off = count(_("working days lost to diseases"))
    disease_early_retirements = count(_("retired early because of a disease"))
    disease_cost = money(_("costs of occupational diseases"))
    # 4. Health classification
    health_class_1 = count(_("class I"))
    health_class_2 = count(_("class II"))
    health_class_3 = count(_("class III"))
    health_class_4 = count(_("class IV"))
    health_class_5 = count(_("class V"))
    # 5. Training (trained this year / currently employed in the group)
    training_g1_trained = count(_("group 1 trained"))
    training_g1_total = count(_("group 1 employed"))
    training_g2_trained = count(_("group 2 trained"))
    training_g2_total = count(_("group 2 employed"))
    training_g3_trained = count(_("group 3 trained"))
    training_g3_total = count(_("group 3 employed"))
    training_g1_3_by_service = count(_("groups 1-3 trained by a hired training organisation"))
    training_g4_trained = count(_("group 4 trained"))
    training_g4_total = count(_("group 4 employed"))
    training_g5_trained = count(_("group 5 trained"))
    training_g5_total = count(_("group 5 employed"))
    training_g6_trained = count(_("group 6 trained"))
    training_g6_total = count(_("group 6 employed"))
    training_cost = money(_("training cost"))
    # 6. Machines, equipment and substances with strict OSH requirements
    equipment_total = count(_("total"))
    equipment_in_use = count(_("in use"))
    equipment_inspected = count(_("inspected"))
    equipment_not_inspected = count(_("not inspected"))
    equipment_declared = count(_("declared"))
    equipment_not_declared = count(_("not declared"))
    # 7. Working time
    overtime_workers = count(_("workers doing overtime"))
    overtime_hours_total = count(_("total overtime hours"))
    overtime_hours_max_month = count(_("most overtime hours in one month"))
    # 8. In-kind allowance against harmful factors
    allowance_workers = count(_("workers receiving it"))
    allowance_cost = money(_("cost"))
    # 9. Workplace environment monitoring (prefilled from monitoring records)
    monitoring_samples = count(_("samples"))
    monitoring_samples_failed = count(_("samples over the limit"))
    monitoring_by_factor = models.JSONField(_("samples by factor"), default=dict, blank=True)
    # 10. Costs of the OSH plan
    cost_safety_engineering = money(_("safety engineering"))
    cost_hygiene_engineering = money(_("hygiene engineering"))
    cost_ppe = money(_("personal protective equipment"))
    cost_health_care = money(_("health care"))
    cost_training_propaganda = money(_("propaganda and training"))
    cost_risk_assessment = money(_("risk assessment"))
    cost_other = money(_("other costs"))
    # 11. Service providers
    osh_service_provider = models.CharField(
        _("OSH service provider (Art. 72.5)"), max_length=255, blank=True
    )
    health_service_provider = models.CharField(
        _("health service provider (Art. 73.5)"), max_length=255, blank=True
    )
    # 12. Periodic risk assessment
    risk_assessment_month = models.PositiveSmallIntegerField(
        _("risk assessment month"), null=True, blank=True
    )
    risk_assessment_year = models.PositiveSmallIntegerField(
        _("risk assessment year"), null=True, blank=True
    )
    # 13. Measures against dangerous and harmful factors
    hazards_identified = count(_("factors identified"))
    hazards_improved = count(_("factors improved"))

    objects = AnnualOshReportQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("annual OSH report")
        verbose_name_plural = _("annual OSH reports")
        ordering = ["-year", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"], name="enterprises_annualoshreport_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(workers_exposed_examined__lte=F("workers_exposed"))
                & Q(workers_exposed__lte=F("workers_total")),
                name="enterprises_annualoshreport_examined_le_exposed_le_total",
            ),
            models.CheckConstraint(
                condition=Q(workers_women__lte=F("workers_total")),
                name="enterprises_annualoshreport_women_le_total",
            ),
            models.CheckConstraint(
                condition=Q(accidents_fatal__lte=F("accidents"))
                & Q(accident_deaths__lte=F("accident_victims")),
                name="enterprises_annualoshreport_fatal_le_all",
            ),
            models.CheckConstraint(
                condition=Q(monitoring_samples_failed__lte=F("monitoring_samples")),
                name="enterprises_annualoshreport_failed_le_samples",
            ),
            models.CheckConstraint(
                condition=Q(risk_assessment_month__isnull=True)
                | Q(risk_assessment_month__gte=1, risk_assessment_month__lte=12),
                name="enterprises_annualoshreport_month_1_12",
            ),
        ]
        indexes = [
            # Used by the filing list and the registry filters (filed/approved in a year).
            models.Index(fields=["year", "status"], name="enterprises_annual_year_status"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} - {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:annual_report_detail", kwargs={"public_id": self.public_id})

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.workers_women > self.workers_total:
            errors["workers_women"] = _("Women cannot outnumber all workers.")
        if self.workers_exposed > self.workers_total:
            errors["workers_exposed"] = _("Exposed workers cannot outnumber all workers.")
        if self.workers_exposed_examined > self.workers_exposed:
            errors["workers_exposed_examined"] = _(
                "Examined workers cannot outnumber exposed workers."
            )
        if self.accidents_fatal > self.accidents:
            errors["accidents_fatal"] = _("Fatal accidents cannot outnumber all accidents.")
        if self.accident_deaths > self.accident_victims:
            errors["accident_deaths"] = _("Deaths cannot outnumber the people injured.")
        if self.monitoring_samples_failed > self.monitoring_samples:
            errors["monitoring_samples_failed"] = _(
                "Samples over the limit cannot outnumber all samples."
            )
        if errors:
            raise ValidationError(errors)

    def build_master_snapshot(self) -> dict:
        return self.enterprise.master_data()


# ------------------------------------------------------------------------------
# Workplace environment monitoring (QTMTLĐ, DOMAIN §6.3)
# ------------------------------------------------------------------------------
class MonitoringRecord(Filing):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="monitoring_records"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    sampled_from = models.DateField(_("sampling started"))
    sampled_to = models.DateField(_("sampling ended"))
    organisation = models.CharField(_("monitoring organisation"), max_length=255)
    organisation_announcement = models.CharField(
        _("eligibility announcement (number, date)"),
        max_length=120,
        help_text=_("e.g. 12/CB-SYT, 05/3/2024"),
    )
    workers_exposed = count(_("workers exposed to harmful factors"))
    conclusion = models.TextField(_("conclusion"), blank=True)
    corrective_measures = models.TextField(_("corrective measures"), blank=True)
    published_to_workers_on = models.DateField(
        _("results published to workers on"), null=True, blank=True
    )
    report_file = models.FileField(
        _("monitoring report file"),
        upload_to=PrivateUploadTo("monitoring-reports"),
        blank=True,
        max_length=200,
        validators=[validate_private_file],
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("workplace monitoring record")
        verbose_name_plural = _("workplace monitoring records")
        ordering = ["-year", "-round"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "round"],
                name="enterprises_monitoringrecord_unique_round",
            ),
            models.CheckConstraint(
                condition=Q(sampled_from__lte=F("sampled_to")),
                name="enterprises_monitoringrecord_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} - {self.year}/{self.round}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:monitoring_detail", kwargs={"public_id": self.public_id})

    def clean(self) -> None:
        super().clean()
        if self.sampled_from and self.sampled_to and self.sampled_from > self.sampled_to:
            raise ValidationError(
                {"sampled_to": _("The sampling end date is before its start date.")}
            )
        if self.sampled_from and self.year and self.sampled_from.year != self.year:
            raise ValidationError({"sampled_from": _("Sampling must start in the record's year.")})
        if (
            self.published_to_workers_on
            and self.sampled_to
            and self.published_to_workers_on < self.sampled_to
        ):
            raise ValidationError(
                {"published_to_workers_on": _("Results cannot be published before sampling ended.")}
            )

    def build_master_snapshot(self) -> dict:
        return self.enterprise.master_data()


class MonitoringResult(models.Model):
    record = models.ForeignKey(MonitoringRecord, on_delete=models.CASCADE, related_name="results")
    factor = models.ForeignKey(
        HarmfulFactor, verbose_name=_("factor"), on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField(_("location or area"), max_length=200)
    samples_measured = count(_("samples measured"))
    samples_over = count(_("samples over the limit"))
    limit_value = models.CharField(_("permitted limit"), max_length=60, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("monitoring result")
        verbose_name_plural = _("monitoring results")
        ordering = ["record", "factor__order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(samples_over__lte=F("samples_measured")),
                name="enterprises_monitoringresult_over_le_measured",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.factor}: {self.samples_over}/{self.samples_measured}"

    def clean(self) -> None:
        if self.samples_over > self.samples_measured:
            raise ValidationError(
                {"samples_over": _("Samples over the limit cannot outnumber samples measured.")}
            )
