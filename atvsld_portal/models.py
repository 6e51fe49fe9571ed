"""Core models every app needs: administrative units, users, responsible units, the outbox
and the personal-data view log."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atvsld_portal.files import PrivateUploadTo


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


# ------------------------------------------------------------------------------
# Administrative units
# ------------------------------------------------------------------------------
class AdministrativeUnitQuerySet(models.QuerySet):
    def provinces(self) -> AdministrativeUnitQuerySet:
        return self.filter(level=AdministrativeUnit.Level.PROVINCE)

    def communes(self) -> AdministrativeUnitQuerySet:
        return self.filter(level=AdministrativeUnit.Level.COMMUNE)

    def current(self, on=None) -> AdministrativeUnitQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class AdministrativeUnit(TimeStampedModel):
    """A province or a commune (the two tiers of local government since 1 July 2025).

    The official code comes from QĐ 19/2025/QĐ-TTg (province 2 digits, commune 5 digits). A unit
    whose official code is not known yet carries a ``code_provisional`` instead: we never invent
    a code that looks official.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        COMMUNE = "commune", _("Commune")

    OFFICIAL_CODE_LENGTH = {Level.PROVINCE: 2, Level.COMMUNE: 5}

    level = models.CharField(_("level"), max_length=10, choices=Level, db_index=True)
    code = models.CharField(
        _("official code"),
        max_length=5,
        null=True,
        blank=True,
        unique=True,
        validators=[
            RegexValidator(
                r"^\d{2}(\d{3})?$", _("Enter 2 digits (province) or 5 digits (commune).")
            )
        ],
    )
    code_provisional = models.CharField(
        _("provisional code"),
        max_length=30,
        blank=True,
        help_text=_("Used until the official code is known; never looks like an official one."),
    )
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("predecessor units"),
        symmetrical=False,
        blank=True,
        related_name="successors",
        help_text=_("Units merged into this one (e.g. the 1 July 2025 mergers)."),
    )

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(code__isnull=False) & Q(code_provisional=""))
                | (Q(code__isnull=True) & ~Q(code_provisional="")),
                name="atvsld_portal_administrativeunit_one_code",
            ),
            models.CheckConstraint(
                condition=Q(level="province", parent__isnull=True)
                | Q(level="commune", parent__isnull=False),
                name="atvsld_portal_administrativeunit_commune_has_province",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="atvsld_portal_administrativeunit_valid_range",
            ),
            models.UniqueConstraint(
                fields=["code_provisional"],
                condition=~Q(code_provisional=""),
                name="atvsld_portal_administrativeunit_provisional_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        prefix = _("Province") if self.level == self.Level.PROVINCE else _("Commune")
        return f"{prefix} {self.name}"

    @property
    def display_code(self) -> str:
        return self.code or self.code_provisional

    @property
    def is_commune(self) -> bool:
        return self.level == self.Level.COMMUNE

    @property
    def is_province(self) -> bool:
        return self.level == self.Level.PROVINCE

    def clean(self) -> None:
        super().clean()
        if self.code and len(self.code) != self.OFFICIAL_CODE_LENGTH[self.level]:
            raise ValidationError(
                {"code": _("A province code has 2 digits, a commune code 5 digits.")}
            )
        if self.code and self.code_provisional:
            raise ValidationError(
                {"code_provisional": _("Clear the provisional code once the official one is set.")}
            )
        if not self.code and not self.code_provisional:
            raise ValidationError({"code": _("Enter the official code or a provisional one.")})
        if self.parent_id and self.parent.level != self.Level.PROVINCE:
            raise ValidationError({"parent": _("A commune belongs to a province.")})


class Village(TimeStampedModel):
    """A village (thôn, buôn, tổ dân phố) of a commune."""

    class Kind(models.TextChoices):
        THON = "thon", _("Village (thôn)")
        BUON = "buon", _("Hamlet (buôn)")
        TO_DAN_PHO = "to_dan_pho", _("Residential group (tổ dân phố)")

    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="villages",
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE},
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.THON)
    name = models.CharField(_("name"), max_length=120)
    former_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("former commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The commune this village belonged to before the 2025 merger."),
    )

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["commune", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "name"], name="atvsld_portal_village_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


# ------------------------------------------------------------------------------
# Users
# ------------------------------------------------------------------------------
class User(AbstractUser):
    """A portal account with exactly one role and a home administrative unit.

    ``role`` is the source of truth for authorisation; group membership follows it on save.
    Superusers administer and need no role.
    """

    class Role(models.TextChoices):
        COMMUNE_OFFICIAL = "commune_official", _("Commune OSH official")
        COMMUNE_LEADER = "commune_leader", _("Commune leader")
        UNIT_REPORTER = "unit_reporter", _("Responsible unit reporter")
        ENTERPRISE_USER = "enterprise_user", _("Enterprise user")
        PROVINCE_VIEWER = "province_viewer", _("Province viewer")

    COMMUNE_ROLES = frozenset(
        {Role.COMMUNE_OFFICIAL, Role.COMMUNE_LEADER, Role.UNIT_REPORTER, Role.ENTERPRISE_USER}
    )

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role, blank=True, db_index=True)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("home administrative unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_superuser=True)
                | (~Q(role="") & Q(administrative_unit__isnull=False)),
                name="atvsld_portal_user_role_and_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    def clean(self) -> None:
        super().clean()
        if self.is_superuser and not self.role:
            return
        if not self.role:
            raise ValidationError({"role": _("Choose a role.")})
        unit = self.administrative_unit
        if unit is None:
            raise ValidationError(
                {"administrative_unit": _("Choose the user's commune or province.")}
            )
        if self.role == self.Role.PROVINCE_VIEWER and not unit.is_province:
            raise ValidationError(
                {"administrative_unit": _("A province viewer belongs to a province.")}
            )
        if self.role in self.COMMUNE_ROLES and not unit.is_commune:
            raise ValidationError({"administrative_unit": _("This role belongs to a commune.")})

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        from atvsld_portal.roles import sync_user_groups

        sync_user_groups(self)

    # Convenience role checks used by templates and access helpers.
    @property
    def is_commune_staff(self) -> bool:
        return self.role in {self.Role.COMMUNE_OFFICIAL, self.Role.COMMUNE_LEADER}

    @property
    def is_enterprise_user(self) -> bool:
        return self.role == self.Role.ENTERPRISE_USER

    @property
    def is_province_viewer(self) -> bool:
        return self.role == self.Role.PROVINCE_VIEWER

    @property
    def commune(self) -> AdministrativeUnit | None:
        """The user's commune, or None for province viewers and superusers."""
        unit = self.administrative_unit
        return unit if unit is not None and unit.is_commune else None


# ------------------------------------------------------------------------------
# Responsible units (section IV of the plan)
# ------------------------------------------------------------------------------
class ResponsibleUnit(TimeStampedModel):
    """A unit of the commune's organisation chart that OSH tasks are assigned to."""

    class Kind(models.TextChoices):
        LABOUR_DESK = "labour_desk", _("Labour and social affairs desk")
        CULTURE_RADIO = "culture_radio", _("Culture officer and commune radio")
        POLICE = "police", _("Commune police")
        FRONT = "front", _("Fatherland Front and mass organisations")
        VILLAGE_BOARD = "village_board", _("Village board")
        HEALTH_STATION = "health_station", _("Health station")
        ENTERPRISES = "enterprises", _("Enterprises")

    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="responsible_units",
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE},
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    abbreviation = models.CharField(
        _("abbreviation"),
        max_length=20,
        blank=True,
        help_text=_("Used in document symbols, e.g. VHXH."),
    )
    village = models.ForeignKey(
        Village,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="boards",
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    members = models.ManyToManyField(
        User, verbose_name=_("members"), blank=True, related_name="responsible_units"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")
        ordering = ["commune", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="village_board", village__isnull=False)
                | (~Q(kind="village_board") & Q(village__isnull=True)),
                name="atvsld_portal_responsibleunit_village_iff_board",
            ),
            models.UniqueConstraint(
                fields=["commune", "kind"],
                condition=~Q(kind="village_board"),
                name="atvsld_portal_responsibleunit_one_per_kind",
            ),
            models.UniqueConstraint(
                fields=["commune", "village"],
                condition=Q(village__isnull=False),
                name="atvsld_portal_responsibleunit_one_board_per_village",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.village_id and self.commune_id and self.village.commune_id != self.commune_id:
            raise ValidationError({"village": _("The village must belong to the same commune.")})


# ------------------------------------------------------------------------------
# Outbox
# ------------------------------------------------------------------------------
class Outbox(models.Model):
    """Work to enqueue after commit ("recompute commune C, year Y", "notify officials of D").

    Services write a row in the same transaction as the change; an on-commit hook publishes it to
    Celery as a best effort, and the beat sweep publishes whatever is still pending. At most one
    pending row exists per (task, arguments), which coalesces bursts of changes.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")

    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    dedup_key = models.CharField(_("deduplication key"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("publish attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedup_key"],
                condition=Q(status="pending"),
                name="atvsld_portal_outbox_one_pending_per_key",
            ),
        ]
        indexes = [
            # Used by the beat sweep (atvsld_portal.services.outbox_sweep).
            models.Index(fields=["status", "created_at"], name="atvsld_portal_outbox_sweep"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)} [{self.status}]"


class WorkerHeartbeat(models.Model):
    """Last time a Celery worker ran the heartbeat task; /healthz reports its age."""

    hostname = models.CharField(_("worker"), max_length=200, unique=True)
    seen_at = models.DateTimeField(_("seen at"), default=timezone.now)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return self.hostname


# ------------------------------------------------------------------------------
# Personal data view log
# ------------------------------------------------------------------------------
class PersonalDataView(models.Model):
    """Who saw a victim's or patient's personal data, and when (Decree 13/2023)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="personal_data_views"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(_("record"), max_length=64)
    viewed_at = models.DateTimeField(_("viewed at"), default=timezone.now)
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")
        ordering = ["-viewed_at"]
        indexes = [
            # Used by the record's access history (who saw this victim's data).
            models.Index(
                fields=["content_type", "object_id", "viewed_at"],
                name="atvsld_portal_pdv_by_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.content_type.model}:{self.object_id}"


# ------------------------------------------------------------------------------
# Reporting periods and filings (DOMAIN §7.8)
# ------------------------------------------------------------------------------
class ReportingPeriod(TimeStampedModel):
    """One period of one filing kind in one commune (e.g. annual OSH reports for 2026).

    Opening it creates a pending filing for every enterprise that owes one (through the filing
    registry in ``atvsld_portal.filings``). Extending ``closes_on`` unlocks unsubmitted drafts.
    """

    class Part(models.TextChoices):
        YEAR = "year", _("Whole year")
        H1 = "h1", _("First half year")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="reporting_periods",
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE},
    )
    kind = models.CharField(_("filing kind"), max_length=50)
    year = models.PositiveSmallIntegerField(_("year"))
    part = models.CharField(_("part of the year"), max_length=4, choices=Part, default=Part.YEAR)
    opens_on = models.DateField(_("opens on"))
    due_on = models.DateField(_("due on"))
    closes_on = models.DateField(_("closes on"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-year", "kind", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "kind", "year", "part"],
                name="atvsld_portal_reportingperiod_one_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(opens_on__lte=models.F("due_on"))
                & Q(due_on__lte=models.F("closes_on")),
                name="atvsld_portal_reportingperiod_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="atvsld_portal_reportingperiod_year_range",
            ),
        ]

    def __str__(self) -> str:
        from atvsld_portal.filings import filing_kind_label

        part = "" if self.part == self.Part.YEAR else f" ({self.get_part_display()})"
        return f"{filing_kind_label(self.kind)} {self.year}{part}"

    def is_closed(self, today=None) -> bool:
        return (today or timezone.localdate()) > self.closes_on


class Filing(TimeStampedModel):
    """Abstract base of every filing an enterprise owes (annual OSH report, accident statistics…).

    The same statuses everywhere: draft → submitted → returned (with a reason) ↔ submitted →
    approved (locked) → reopened (an official unlocked it) → submitted. Transitions live in
    ``atvsld_portal.services`` and write a :class:`FilingEvent`. Concrete filings have an
    ``enterprise`` foreign key; only approved filings feed figures.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")
        APPROVED = "approved", _("Approved")
        REOPENED = "reopened", _("Reopened")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online by the enterprise")
        PAPER = "paper", _("Paper, entered by the commune")
        PHONE = "phone", _("Phone, entered by the commune")
        EMAIL = "email", _("Email, entered by the commune")

    EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED, Status.REOPENED})

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel, default=Channel.ONLINE)
    entered_by = models.ForeignKey(
        User,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The commune official who typed in a paper, phone or email filing."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        User,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    master_snapshot = models.JSONField(
        _("enterprise data at submission"),
        default=dict,
        blank=True,
        help_text=_("A frozen copy of the enterprise's master data when the filing was submitted."),
    )

    class Meta:
        abstract = True

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_editable_status(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def reporting_period(self) -> ReportingPeriod | None:
        return getattr(self, "period", None)

    def is_locked_for_enterprise(self, today=None) -> bool:
        """Unsubmitted drafts lock at the period's close date (extending it unlocks them)."""
        if not self.is_editable_status:
            return True
        period = self.reporting_period
        return period is not None and period.is_closed(today) and self.status == self.Status.DRAFT

    def due_state(self, today=None) -> str:
        """'done', 'overdue', 'due_soon' (within 14 days) or 'open'; computed, never stored."""
        if self.status in {self.Status.SUBMITTED, self.Status.APPROVED}:
            return "done"
        period = self.reporting_period
        if period is None:
            return "open"
        today = today or timezone.localdate()
        if today > period.due_on:
            return "overdue"
        if (period.due_on - today).days <= 14:
            return "due_soon"
        return "open"


class FilingEvent(models.Model):
    """One status change of a filing: who, when, from what to what, and a note."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    filing = GenericForeignKey("content_type", "object_id")
    from_status = models.CharField(_("from"), max_length=10, choices=Filing.Status, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Filing.Status)
    by = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("filing event")
        verbose_name_plural = _("filing events")
        ordering = ["at", "pk"]
        indexes = [
            # Used by each filing's history on its detail page.
            models.Index(
                fields=["content_type", "object_id", "at"], name="atvsld_portal_filingevent_obj"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class FilingScan(models.Model):
    """A stamped, signed scan of a filing's paper form; each upload is a new version."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    filing = GenericForeignKey("content_type", "object_id")
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=PrivateUploadTo("filing-scans"), max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("filing scan")
        verbose_name_plural = _("filing scans")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "version"],
                name="atvsld_portal_filingscan_one_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} {self.original_name}"


class SubmissionToken(models.Model):
    """A create form that has been processed once: its one-time token and what it created.

    A repeat of the same form (a double click, back and resubmit) finds this row and is sent to
    the first result instead of creating a second record (``atvsld_portal.submissions``).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True)
    object_id = models.PositiveBigIntegerField(null=True)
    result = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        ordering = ["-created_at"]
        constraints = [
            # Two racing POSTs of one form meet here: the second waits for the first to commit.
            models.UniqueConstraint(
                fields=["user", "key"], name="atvsld_portal_submissiontoken_one_per_form"
            ),
        ]

    def __str__(self) -> str:
        return str(self.key)
