"""Forms of occupational diseases: detection-exam rounds and case records. They validate and
normalise; the model's clean() (run here and again by the services) holds the rules."""

from __future__ import annotations

import re

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MinValueValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from atvsld_portal.files import validate_private_upload
from atvsld_portal.forms import DATE_WIDGET, LocalizedNumbersMixin, PortalModelForm
from enterprises.models import Enterprise, HarmfulFactor, MonitoringRecord
from incidents.models import DiseaseCase, DiseaseExam, OccupationalDisease

ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png,.xlsx,.docx"
PERSONAL_ID_RE = re.compile(r"^\d{12}$")

EXAM_FIELDS = [
    "exam_date",
    "facility",
    "workers_examined",
    "suspected",
    "confirmed",
    "diseases_screened",
    "note",
    "result_file",
]
CASE_FIELDS = [
    "full_name",
    "sex",
    "birth_date",
    "personal_id",
    "job",
    "years_in_job",
    "exposure_factors",
    "exposure_months",
    "monitoring_record",
    "exposure_confirmation",
    "exam",
    "exam_date",
    "exam_facility",
    "disease",
    "result",
    "capacity_loss_percent",
    "follow_up",
    "insurance_note",
]


def _checked_upload(value):
    """Content-check a new upload; leave an unchanged or cleared file alone."""
    if isinstance(value, UploadedFile):
        validate_private_upload(value)
    return value


def file_change(cleaned_data: dict, name: str) -> dict:
    """The service data for a file field: a new upload, "" when cleared, nothing if unchanged."""
    value = cleaned_data.get(name)
    if value is False:
        return {name: ""}
    if isinstance(value, UploadedFile):
        return {name: value}
    return {}


def active_diseases(keep=None) -> QuerySet[OccupationalDisease]:
    """The active list, plus the entries a record already uses (an old version stays valid)."""
    condition = Q(is_active=True)
    if keep:
        condition |= Q(pk__in=keep)
    return OccupationalDisease.objects.filter(condition).order_by("order", "code")


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Enterprise) -> str:
        return obj.name


# ------------------------------------------------------------------------------
# Detection-exam rounds
# ------------------------------------------------------------------------------
class DiseaseExamForm(LocalizedNumbersMixin, PortalModelForm):
    """One round. ``enterprises`` (a scoped queryset) adds an employer select, for a round
    started without a given enterprise."""

    class Meta:
        model = DiseaseExam
        fields = EXAM_FIELDS
        widgets = {
            "exam_date": DATE_WIDGET,
            "diseases_screened": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 3}),
            "result_file": forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
        }
        help_texts = {
            "exam_date": _("Day first, for example 15/02/2026."),
            "result_file": _("Optional: the result report of the exam facility (PDF or photo)."),
        }

    def __init__(self, *args, enterprises: QuerySet[Enterprise] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if enterprises is not None:
            self.fields = {
                "enterprise": EnterpriseChoiceField(
                    label=_("Enterprise"), queryset=enterprises, required=True
                ),
                **self.fields,
            }
        keep = (
            list(self.instance.diseases_screened.values_list("pk", flat=True))
            if self.instance.pk
            else []
        )
        self.fields["diseases_screened"].queryset = active_diseases(keep)
        self.fields["workers_examined"].validators.append(MinValueValidator(1))

    def clean_result_file(self):
        return _checked_upload(self.cleaned_data.get("result_file"))

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("enterprise") is not None:
            self.instance.enterprise = cleaned["enterprise"]
        return cleaned

    def service_data(self) -> dict:
        names = ["exam_date", "facility", "workers_examined", "suspected", "confirmed", "note"]
        return {
            **{name: self.cleaned_data[name] for name in names},
            **file_change(self.cleaned_data, "result_file"),
        }


# ------------------------------------------------------------------------------
# Case records
# ------------------------------------------------------------------------------
class DiseaseCaseForm(LocalizedNumbersMixin, PortalModelForm):
    """One worker's record. The employer is fixed (``enterprise``, None for a worker without a
    labour contract) or chosen from ``enterprises`` (a scoped queryset; optional for officials,
    who also record informal workers)."""

    # Wider than the 12 stored digits, so "0661 9000 1234" reaches clean_personal_id.
    personal_id = forms.CharField(
        label=DiseaseCase._meta.get_field("personal_id").verbose_name,
        required=False,
        max_length=20,
        help_text=_("The 12 digits of the citizen identity card, if available."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 20}),
    )

    class Meta:
        model = DiseaseCase
        fields = CASE_FIELDS
        widgets = {
            "birth_date": DATE_WIDGET,
            "exam_date": DATE_WIDGET,
            "exposure_factors": forms.CheckboxSelectMultiple,
            "exposure_confirmation": forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "birth_date": _("Day first, for example 05/07/1980."),
            "exam_date": _("Day first, for example 15/02/2026."),
            "monitoring_record": _(
                "The employer's workplace monitoring record that documents the exposure."
            ),
            "exposure_confirmation": _(
                "For a confirmed case without a monitoring record: the signed minutes confirming "
                "the exposure (PDF or photo)."
            ),
            "exam": _("Optional: the employer's detection-exam round that found the case."),
            "disease": _("Required for a suspected or confirmed case."),
        }

    def __init__(
        self,
        *args,
        enterprise: Enterprise | None = None,
        enterprises: QuerySet[Enterprise] | None = None,
        enterprise_required: bool = True,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.choosing_enterprise = enterprises is not None
        if self.choosing_enterprise:
            self.fields = {
                "enterprise": EnterpriseChoiceField(
                    label=_("Employer"),
                    queryset=enterprises,
                    required=enterprise_required,
                    empty_label=None if enterprise_required else _("Without a labour contract"),
                ),
                **self.fields,
            }
            scope = Q(enterprise__in=enterprises)
        else:
            self.instance.enterprise = enterprise
            scope = Q(enterprise=enterprise) if enterprise is not None else Q(pk__in=[])
        self.fields["monitoring_record"].queryset = (
            MonitoringRecord.objects.filter(scope)
            .select_related("enterprise")
            .order_by("enterprise__name", "-year", "-round")
        )
        self.fields["exam"].queryset = (
            DiseaseExam.objects.filter(scope)
            .select_related("enterprise")
            .order_by("enterprise__name", "-exam_date")
        )
        factors = Q(is_active=True)
        diseases_kept = []
        if self.instance.pk:
            factors |= Q(pk__in=self.instance.exposure_factors.values_list("pk", flat=True))
            diseases_kept = [self.instance.disease_id] if self.instance.disease_id else []
        self.fields["exposure_factors"].queryset = HarmfulFactor.objects.filter(factors)
        self.fields["disease"].queryset = active_diseases(diseases_kept)

    def clean_personal_id(self) -> str:
        personal_id = re.sub(r"\s+", "", self.cleaned_data.get("personal_id") or "")
        if personal_id and not PERSONAL_ID_RE.match(personal_id):
            raise forms.ValidationError(
                _("A personal ID number has exactly 12 digits."), code="personal_id"
            )
        return personal_id

    def clean_exposure_confirmation(self):
        return _checked_upload(self.cleaned_data.get("exposure_confirmation"))

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.choosing_enterprise and "enterprise" in cleaned:
            # The model's clean() then checks the monitoring record and round against it.
            self.instance.enterprise = cleaned["enterprise"]
        if self.instance.enterprise_id is None:
            # A worker without a labour contract has no employer's record or round.
            if cleaned.get("monitoring_record"):
                self.add_error(
                    "monitoring_record",
                    _("The monitoring record must belong to the same employer."),
                )
            if cleaned.get("exam"):
                self.add_error("exam", _("The exam round must belong to the same employer."))
        return cleaned

    def service_data(self) -> dict:
        skip = {"exposure_factors", "exposure_confirmation"}
        return {
            **{name: self.cleaned_data[name] for name in CASE_FIELDS if name not in skip},
            **file_change(self.cleaned_data, "exposure_confirmation"),
        }
