"""Forms of the registry: they validate and normalise; services apply the rules."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from atvsld_portal.forms import (
    DATE_WIDGET,
    LocalizedNumbersMixin,
    NormalisedTextMixin,
    PortalForm,
    PortalModelForm,
)
from atvsld_portal.models import AdministrativeUnit, Filing, Village
from enterprises.models import (
    ActivitySection,
    AnnualOshReport,
    Enterprise,
    EnterpriseMember,
    HarmfulFactor,
    MonitoringRecord,
    MonitoringResult,
    OwnershipType,
)
from enterprises.services import check_tax_code_available
from enterprises.validators import normalise_phone, normalise_tax_code


class EnterpriseForm(LocalizedNumbersMixin, PortalModelForm):
    unlocalized_fields = ("year",)

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "tax_code",
            "ownership_type",
            "activity_version",
            "activity_code",
            "activity_section",
            "village",
            "address",
            "phone",
            "email",
            "legal_representative",
            "osh_officer_name",
            "osh_officer_type",
            "osh_officer_certificate_expiry",
            "medical_officer",
            "status",
            "workforce_total",
            "workforce_women",
            "payroll",
            "has_harmful_factors",
        ]
        widgets = {"osh_officer_certificate_expiry": DATE_WIDGET}

    def __init__(self, *args, commune: AdministrativeUnit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.commune = commune
        self.fields["village"].queryset = Village.objects.filter(commune=commune)
        self.fields["ownership_type"].queryset = OwnershipType.objects.filter(is_active=True)
        self.fields["activity_section"].queryset = ActivitySection.objects.order_by(
            "version", "letter"
        )
        self.fields["activity_section"].required = False
        self.fields["tax_code"].required = False

    def clean_tax_code(self) -> str | None:
        value = normalise_tax_code(self.cleaned_data.get("tax_code") or "")
        if not value:
            return None
        check_tax_code_available(tax_code=value, commune=self.commune, exclude_pk=self.instance.pk)
        return value

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "").strip()
        return normalise_phone(value) if value else ""

    def clean(self) -> dict:
        cleaned = super().clean()
        ownership = cleaned.get("ownership_type")
        tax_code = cleaned.get("tax_code")
        if tax_code and len(tax_code) == 12 and ownership and not ownership.is_household:
            self.add_error(
                "tax_code", _("A 12-digit personal ID is accepted only for household businesses.")
            )
        section = cleaned.get("activity_section")
        if section and section.version != cleaned.get("activity_version"):
            self.add_error("activity_section", _("Choose a section of the same VSIC version."))
        total, women = cleaned.get("workforce_total"), cleaned.get("workforce_women")
        if total is not None and women is not None and women > total:
            self.add_error("workforce_women", _("Women cannot outnumber all workers."))
        return cleaned


class EnterpriseRegistrationForm(PortalModelForm):
    """Public self-registration: who the enterprise is and whom the commune should invite."""

    commune = forms.ModelChoiceField(
        label=_("Commune where the enterprise operates"),
        queryset=AdministrativeUnit.objects.communes()
        .current()
        .select_related("parent")
        .order_by("parent__name", "name"),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=150)
    contact_email = forms.EmailField(
        label=_("Contact email"), help_text=_("The commune sends the account invitation here.")
    )
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "tax_code",
            "ownership_type",
            "activity_version",
            "activity_code",
            "address",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ownership_type"].queryset = OwnershipType.objects.filter(is_active=True)
        self.fields["tax_code"].required = False
        self.order_fields(
            ["commune", *self.Meta.fields, "contact_name", "contact_email", "contact_phone"]
        )

    def clean_contact_phone(self) -> str:
        value = self.cleaned_data.get("contact_phone", "").strip()
        return normalise_phone(value) if value else ""

    def clean(self) -> dict:
        cleaned = super().clean()
        tax_code = normalise_tax_code(cleaned.get("tax_code") or "") or None
        cleaned["tax_code"] = tax_code
        commune = cleaned.get("commune")
        if commune and tax_code and "tax_code" not in self.errors:
            try:
                check_tax_code_available(tax_code=tax_code, commune=commune)
            except ValidationError as exc:
                self.add_error("tax_code", exc)
        return cleaned

    def _post_clean(self) -> None:
        # The enterprise instance is built by the service (with its commune); field validators
        # already ran on each field.
        pass


class MemberInviteForm(PortalForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(
        label=_("Role in the enterprise"), choices=EnterpriseMember.Role.choices
    )


class ImportUploadForm(PortalForm):
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class ReasonForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ApproveForm(PortalForm):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScanUploadForm(PortalForm):
    file = forms.FileField(label=_("Stamped, signed scan (PDF, JPEG or PNG)"))


class ChannelForm(PortalForm):
    """For officials typing in a filing that arrived outside the portal."""

    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[(c.value, c.label) for c in Filing.Channel if c != Filing.Channel.ONLINE],
        initial=Filing.Channel.PAPER,
    )


ANNUAL_REPORT_SECTIONS = [
    (
        _("1. Labour"),
        [
            "workers_total",
            "workers_osh_staff",
            "workers_medical_staff",
            "workers_women",
            "workers_hazardous",
            "workers_minors",
            "workers_under_15",
            "workers_disabled",
            "workers_elderly",
            "workers_exposed",
            "workers_exposed_examined",
        ],
    ),
    (
        _("2. Occupational accidents"),
        [
            "accidents",
            "accidents_fatal",
            "accident_victims",
            "accident_deaths",
            "accident_cost",
            "accident_days_off",
        ],
    ),
    (
        _("3. Occupational diseases"),
        [
            "diseases_cumulative",
            "diseases_new",
            "disease_days_off",
            "disease_early_retirements",
            "disease_cost",
        ],
    ),
    (
        _("4. Health classification"),
        ["health_class_1", "health_class_2", "health_class_3", "health_class_4", "health_class_5"],
    ),
    (
        _("5. OSH training"),
        [
            "training_g1_trained",
            "training_g1_total",
            "training_g2_trained",
            "training_g2_total",
            "training_g3_trained",
            "training_g3_total",
            "training_g1_3_by_service",
            "training_g4_trained",
            "training_g4_total",
            "training_g5_trained",
            "training_g5_total",
            "training_g6_trained",
            "training_g6_total",
            "training_cost",
        ],
    ),
    (
        _("6. Machines, equipment and substances with strict OSH requirements"),
        [
            "equipment_total",
            "equipment_in_use",
            "equipment_inspected",
            "equipment_not_inspected",
            "equipment_declared",
            "equipment_not_declared",
        ],
    ),
    (
        _("7. Working time"),
        ["overtime_workers", "overtime_hours_total", "overtime_hours_max_month"],
    ),
    (_("8. In-kind allowance against harmful factors"), ["allowance_workers", "allowance_cost"]),
    (_("9. Workplace environment monitoring"), ["monitoring_samples", "monitoring_samples_failed"]),
    (
        _("10. Costs of the OSH plan"),
        [
            "cost_safety_engineering",
            "cost_hygiene_engineering",
            "cost_ppe",
            "cost_health_care",
            "cost_training_propaganda",
            "cost_risk_assessment",
            "cost_other",
        ],
    ),
    (_("11. Service providers"), ["osh_service_provider", "health_service_provider"]),
    (_("12. Periodic risk assessment"), ["risk_assessment_month", "risk_assessment_year"]),
    (
        _("13. Measures against dangerous and harmful factors"),
        ["hazards_identified", "hazards_improved"],
    ),
]
ANNUAL_REPORT_FIELDS = [name for _title, names in ANNUAL_REPORT_SECTIONS for name in names]


class AnnualOshReportForm(LocalizedNumbersMixin, PortalModelForm):
    unlocalized_fields = ("risk_assessment_month", "risk_assessment_year")

    class Meta:
        model = AnnualOshReport
        fields = ANNUAL_REPORT_FIELDS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *(Fieldset(title, *names) for title, names in ANNUAL_REPORT_SECTIONS)
        )
        # A figure left empty means zero, as on the paper form.
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField) and name not in self.unlocalized_fields:
                field.required = False
        # Consistency rules (examined ≤ exposed ≤ total…) are in AnnualOshReport.clean(), which
        # the ModelForm runs and attaches to the fields.

    def clean(self) -> dict:
        cleaned = super().clean()
        for name, field in self.fields.items():
            if (
                isinstance(field, forms.IntegerField)
                and name not in self.unlocalized_fields
                and cleaned.get(name) is None
                and name not in self.errors
            ):
                cleaned[name] = 0
        return cleaned


class MonitoringRecordForm(LocalizedNumbersMixin, PortalModelForm):
    unlocalized_fields = ("year", "round")

    class Meta:
        model = MonitoringRecord
        fields = [
            "year",
            "round",
            "sampled_from",
            "sampled_to",
            "organisation",
            "organisation_announcement",
            "workers_exposed",
            "conclusion",
            "corrective_measures",
            "published_to_workers_on",
            "report_file",
        ]
        widgets = {
            "sampled_from": DATE_WIDGET,
            "sampled_to": DATE_WIDGET,
            "published_to_workers_on": DATE_WIDGET,
        }


class MonitoringResultForm(LocalizedNumbersMixin, PortalModelForm):
    class Meta:
        model = MonitoringResult
        fields = ["factor", "location", "samples_measured", "samples_over", "limit_value", "unit"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["factor"].queryset = HarmfulFactor.objects.filter(is_active=True)


class BaseResultFormSet(NormalisedTextMixin, forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept:
            raise ValidationError(_("Add at least one measured factor."))


MonitoringResultFormSet = forms.inlineformset_factory(
    MonitoringRecord,
    MonitoringResult,
    form=MonitoringResultForm,
    formset=BaseResultFormSet,
    extra=3,
    can_delete=True,
)
