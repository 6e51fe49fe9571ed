"""The commune's implementation plan: goals, task groups, tasks, their assignment to responsible
units, what the units report having done, and the plan's budget lines."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from atvsld_portal.files import PrivateUploadTo, validate_private_file
from atvsld_portal.indicators import IndicatorCode
from atvsld_portal.models import AdministrativeUnit, ResponsibleUnit, TimeStampedModel

MISSING_IN_SOURCE = _("not in the source document")


class Plan(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_FORCE = "in_force", _("In force")
        CLOSED = "closed", pgettext_lazy("plan status", "Closed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="plans",
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE},
    )
    number = models.CharField(_("number"), max_length=10, blank=True)
    symbol = models.CharField(_("symbol"), max_length=30, blank=True, help_text=_("e.g. KH-UBND"))
    issued_on = models.DateField(_("date"), null=True, blank=True)
    title = models.TextField(_("title"))
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    signer_authority = models.CharField(_("signing authority"), max_length=100, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    purposes = models.TextField(_("purposes"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    closing_text = models.TextField(_("closing paragraph"), blank=True)
    recipients = models.TextField(_("recipients"), blank=True, help_text=_("One per line"))

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=F("start_year")),
                name="plans_plan_years_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title[:80]

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", kwargs={"public_id": self.public_id})

    @property
    def number_symbol(self) -> str:
        if self.number or self.symbol:
            return f"{self.number or '   '}/{self.symbol}"
        return ""

    def covers(self, year: int) -> bool:
        return self.start_year <= year and (self.end_year is None or year <= self.end_year)


class LegalBasis(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="legal_bases")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    document = models.CharField(
        _("document"), max_length=120, help_text=_("e.g. Chỉ thị số 31-CT/TW")
    )
    issued_on = models.DateField(_("date"), null=True, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    title = models.TextField(_("title"), blank=True)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return self.document


class PlanGoal(models.Model):
    """A measurable goal (section II), linked to the indicator catalogue by code."""

    class Method(models.TextChoices):
        YEAR_OVER_YEAR = "yoy", _("Year over year")
        BASELINE = "baseline", _("Compounded from a baseline year")
        LEVEL = "level", _("Level to reach every year")

    class Direction(models.TextChoices):
        DECREASE = "decrease", _("Decrease by at least")
        INCREASE = "increase", _("Increase by at least")
        REACH = "reach", _("Reach at least")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("wording in the plan"))
    indicator = models.CharField(_("indicator"), max_length=40, choices=IndicatorCode)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction)
    target_value = models.DecimalField(_("target"), max_digits=8, decimal_places=2)
    target_unit = models.CharField(_("unit"), max_length=20, default="%")
    method = models.CharField(
        _("method"), max_length=10, choices=Method, default=Method.YEAR_OVER_YEAR
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "indicator"], name="plans_plangoal_one_per_indicator"
            ),
            models.CheckConstraint(
                condition=~Q(method="baseline") | Q(baseline_year__isnull=False),
                name="plans_plangoal_baseline_has_year",
            ),
        ]

    def __str__(self) -> str:
        return self.get_indicator_display()


class TaskGroup(models.Model):
    """A group of tasks (section III.1-7)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="task_groups")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.TextField(_("title"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task group")
        verbose_name_plural = _("task groups")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_taskgroup_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Task(models.Model):
    """One bullet of a task group."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(TaskGroup, on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["group__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="plans_task_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.group.number}.{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("plans:task_detail", kwargs={"public_id": self.public_id})

    @property
    def label(self) -> str:
        return f"{self.group.number}.{self.number}"


class Assignment(models.Model):
    """A task given to a responsible unit, as lead or support, with a reporting cadence."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        SUPPORT = "support", _("Support")

    class Cadence(models.TextChoices):
        QUARTERLY = "quarterly", _("Ongoing, reported every quarter")
        YEARLY = "yearly", _("Once a year")
        FIXED_MONTH = "fixed_month", _("Every year in a given month")
        ONE_OFF = "one_off", _("Once, by a due date")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        ResponsibleUnit,
        verbose_name=pgettext_lazy("responsible unit", "unit"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.LEAD)
    cadence = models.CharField(
        _("cadence"), max_length=12, choices=Cadence, default=Cadence.QUARTERLY
    )
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    due_on = models.DateField(pgettext_lazy("assignment", "due on"), null=True, blank=True)
    note = models.TextField(_("duty in the plan"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["task__group__number", "task__number", "role", "unit__kind"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="plans_assignment_one_per_unit"),
            models.CheckConstraint(
                condition=(Q(cadence="fixed_month") & Q(month__gte=1, month__lte=12))
                | (~Q(cadence="fixed_month") & Q(month__isnull=True)),
                name="plans_assignment_month_iff_fixed_month",
            ),
            models.CheckConstraint(
                condition=(Q(cadence="one_off") & Q(due_on__isnull=False))
                | (~Q(cadence="one_off") & Q(due_on__isnull=True)),
                name="plans_assignment_due_on_iff_one_off",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.label} → {self.unit}"

    def clean(self) -> None:
        super().clean()
        if (
            self.task_id
            and self.unit_id
            and self.unit.commune_id != self.task.group.plan.commune_id
        ):
            raise ValidationError({"unit": _("The unit must belong to the plan's commune.")})
        if self.cadence == self.Cadence.FIXED_MONTH and not self.month:
            raise ValidationError({"month": _("Choose the month.")})
        if self.cadence == self.Cadence.ONE_OFF and not self.due_on:
            raise ValidationError({"due_on": _("Choose the due date.")})


class ActivityReport(TimeStampedModel):
    """What a unit did for an assignment, with counted outputs, reviewed by a commune official."""

    class Kind(models.TextChoices):
        PROPAGANDA_MEETING = "propaganda_meeting", _("Propaganda meeting")
        RADIO = "radio", _("Radio broadcast")
        BANNERS = "banners", _("Banners and posters")
        TRAINING = "training", _("Training")
        INSPECTION = "inspection", _("Inspection")
        DIALOGUE = "dialogue", _("Dialogue with workers")
        COMMENDATION = "commendation", _("Commendation")
        DOCUMENT = "document", _("Document issued")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("activity report", "Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned with a comment")

    # Which counted outputs each kind asks for (the form shows only these).
    OUTPUTS_BY_KIND = {
        Kind.PROPAGANDA_MEETING: ("sessions", "participants"),
        Kind.RADIO: ("broadcasts", "airings"),
        Kind.BANNERS: ("banners",),
        Kind.TRAINING: ("sessions", "participants", "workers_trained"),
        Kind.INSPECTION: ("establishments_inspected", "violations_found"),
        Kind.DIALOGUE: ("sessions", "participants"),
        Kind.COMMENDATION: ("people_commended",),
        Kind.DOCUMENT: (),
        Kind.OTHER: ("sessions", "participants"),
    }
    OUTPUT_FIELDS = (
        "broadcasts",
        "airings",
        "banners",
        "sessions",
        "participants",
        "establishments_inspected",
        "violations_found",
        "workers_trained",
        "people_commended",
    )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reports")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    occurred_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    description = models.TextField(_("what was done"))
    broadcasts = models.PositiveIntegerField(_("news items broadcast"), default=0)
    airings = models.PositiveIntegerField(_("airings"), default=0)
    banners = models.PositiveIntegerField(_("banners and posters"), default=0)
    sessions = models.PositiveIntegerField(_("sessions"), default=0)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    establishments_inspected = models.PositiveIntegerField(_("establishments inspected"), default=0)
    violations_found = models.PositiveIntegerField(_("violations found"), default=0)
    workers_trained = models.PositiveIntegerField(_("workers trained"), default=0)
    people_commended = models.PositiveIntegerField(_("people commended"), default=0)
    attachment = models.FileField(
        _("attachment"),
        upload_to=PrivateUploadTo("activity-reports"),
        blank=True,
        max_length=200,
        validators=[validate_private_file],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.SUBMITTED, db_index=True
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            # Used by the plan status selector (plans.selectors.plan_status_matrix).
            models.Index(
                fields=["assignment", "occurred_on", "status"], name="plans_report_status"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(violations_found__lte=F("establishments_inspected"))
                | Q(establishments_inspected=0),
                name="plans_activityreport_violations_need_inspections",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("plans:report_detail", kwargs={"public_id": self.public_id})

    def outputs(self) -> list[tuple[str, int]]:
        """The counted outputs of this kind, with their labels."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in self.OUTPUTS_BY_KIND.get(self.kind, ())
        ]


class PlanBudget(models.Model):
    """A yearly budget line of the plan (III.7)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("year"))
    purpose = models.CharField(_("purpose"), max_length=255)
    source = models.CharField(_("source"), max_length=120)
    allocated = models.PositiveBigIntegerField(_("allocated (VND)"), default=0)
    spent = models.PositiveBigIntegerField(_("spent (VND)"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["plan", "-year", "purpose"]

    def __str__(self) -> str:
        return f"{self.year}: {self.purpose}"
