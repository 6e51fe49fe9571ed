"""Forms of accident declarations: they validate and normalise; services apply the rules."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from atvsld_portal.files import validate_private_file
from atvsld_portal.forms import (
    LocalizedNumbersMixin,
    NormalisedTextMixin,
    PortalForm,
    PortalModelForm,
)
from atvsld_portal.models import AdministrativeUnit, Filing, User, Village
from enterprises.access import can_manage_registry
from enterprises.models import Enterprise
from incidents.models import Accident, Cause, InjuryCode, InjuryFactor, Occupation, Victim
from incidents.services import victim_rule_errors

ACCEPTED_SCANS = ".pdf,.jpg,.jpeg,.png"
PERSONAL_ID_RE = re.compile(r"^\d{12}$")
FIRST_BIRTH_YEAR = 1900
DATETIME_WIDGET = forms.DateTimeInput(
    format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm", "inputmode": "numeric"}
)


def enterprises_for_filing(user: User) -> QuerySet[Enterprise]:
    """Active enterprises the user may declare an accident for."""
    active = Enterprise.objects.filter(status=Enterprise.Status.ACTIVE)
    if can_manage_registry(user):
        return active.filter(commune=user.commune).order_by("name")
    if user.role == User.Role.ENTERPRISE_USER:
        return active.filter(memberships__user=user, memberships__is_active=True).order_by("name")
    return active.none()


# ------------------------------------------------------------------------------
# Accident
# ------------------------------------------------------------------------------
class AccidentForm(LocalizedNumbersMixin, PortalModelForm):
    """What happened. The commune of the accident follows the enterprise (employed sector) or the
    official's commune (informal sector); it is set on the instance in ``clean``."""

    other_causes = forms.MultipleChoiceField(
        label=_("Other causes"),
        choices=Cause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Accident
        fields = [
            "sector",
            "enterprise",
            "kind",
            "occurred_at",
            "place",
            "village",
            "account",
            "main_cause",
            "other_causes",
            "injury_factor",
            "commuting",
            "property_damage",
            "declarant_name",
            "declarant_position",
            "declarant_phone",
        ]
        widgets = {
            "occurred_at": DATETIME_WIDGET,
            "account": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "account": _("At least 50 characters: what happened, and the first assessment."),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        enterprises = enterprises_for_filing(user)
        if self.instance.enterprise_id:
            # A draft keeps its enterprise even if the list changed since.
            enterprises = Enterprise.objects.filter(
                pk__in=[*enterprises.values_list("pk", flat=True), self.instance.enterprise_id]
            ).order_by("name")
        self.fields["enterprise"].queryset = enterprises
        self.fields["enterprise"].required = not can_manage_registry(user)
        communes = {e.commune_id for e in enterprises}
        if user.commune is not None:
            communes.add(user.commune.pk)
        self.fields["village"].queryset = Village.objects.filter(commune__in=communes).order_by(
            "name"
        )
        self.fields["injury_factor"].queryset = InjuryFactor.objects.filter(is_active=True)
        self.fields["occurred_at"].help_text = _("Day first, for example 05/07/2026 14:30.")
        if not can_manage_registry(user):
            self.fields["sector"].initial = Accident.Sector.EMPLOYED

    def clean_account(self) -> str:
        account = self.cleaned_data["account"].strip()
        if len(account) < 50:
            raise forms.ValidationError(
                _("Describe what happened in at least 50 characters (now %(count)d characters)."),
                code="too_short",
                params={"count": len(account)},
            )
        return account

    def clean(self) -> dict:
        cleaned = super().clean()
        sector = cleaned.get("sector")
        enterprise: Enterprise | None = cleaned.get("enterprise")
        if sector == Accident.Sector.EMPLOYED and "enterprise" in cleaned and enterprise is None:
            self.add_error(
                "enterprise",
                _("An accident of a worker with a labour relation needs its enterprise."),
            )
        commune = self._accident_commune(enterprise)
        if commune is None and not self.has_error("enterprise"):
            self.add_error("enterprise", _("Choose the enterprise where the accident happened."))
        elif commune is not None:
            self.instance.commune = commune
        return cleaned

    def _accident_commune(self, enterprise: Enterprise | None) -> AdministrativeUnit | None:
        if enterprise is not None:
            return enterprise.commune
        return self.user.commune if can_manage_registry(self.user) else None


# ------------------------------------------------------------------------------
# Victims
# ------------------------------------------------------------------------------
class VictimForm(LocalizedNumbersMixin, PortalModelForm):
    unlocalized_fields = ("birth_year",)

    class Meta:
        model = Victim
        fields = [
            "full_name",
            "sex",
            "birth_year",
            "personal_id",
            "occupation",
            "occupation_name",
            "under_management",
            "severity",
            "injury_codes",
            "treatment_place",
            "days_off",
            "cost_medical",
            "cost_wages",
            "cost_compensation",
        ]
        widgets = {
            "birth_year": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4}),
            "personal_id": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 12}),
            "injury_codes": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "personal_id": _("Optional: the 12 digits of the citizen identity card."),
            "injury_codes": _(
                "Required for a serious injury; leave empty for a minor one. "
                "Hold Ctrl to choose several."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = Occupation.objects.filter(is_active=True)
        self.fields["injury_codes"].queryset = InjuryCode.objects.filter(is_active=True)

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(
                _("The year of birth cannot be in the future."), code="future"
            )
        if year is not None and year < FIRST_BIRTH_YEAR:
            raise forms.ValidationError(
                _("Type the year of birth in four digits, from %(first)d on."),
                code="too_early",
                params={"first": FIRST_BIRTH_YEAR},
            )
        return year

    def clean_personal_id(self) -> str:
        personal_id = re.sub(r"\s+", "", self.cleaned_data.get("personal_id") or "")
        if personal_id and not PERSONAL_ID_RE.match(personal_id):
            raise forms.ValidationError(
                _("A personal ID number has exactly 12 digits."), code="personal_id"
            )
        return personal_id

    def clean(self) -> dict:
        cleaned = super().clean()
        severity = cleaned.get("severity")
        if severity and "injury_codes" in cleaned:
            problem = victim_rule_errors(
                severity=severity, injury_code_count=len(cleaned["injury_codes"])
            )
            if problem:
                self.add_error("injury_codes", problem)
        return cleaned


class BaseVictimFormSet(NormalisedTextMixin, BaseInlineFormSet):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "A declaration can list at most %(num)d victim.",
            "A declaration can list at most %(num)d victims.",
            "num",
        ),
    }


VictimFormSet = inlineformset_factory(
    Accident,
    Victim,
    form=VictimForm,
    formset=BaseVictimFormSet,
    extra=1,
    can_delete=True,
    max_num=settings.ACCIDENT_MAX_VICTIMS,
    # Never build more forms than a declaration may hold, whatever TOTAL_FORMS says.
    absolute_max=settings.ACCIDENT_MAX_VICTIMS,
    validate_max=True,
    min_num=0,
)


# ------------------------------------------------------------------------------
# Declarations entered by the commune
# ------------------------------------------------------------------------------
class PaperEntryForm(PortalForm):
    """For officials typing in a declaration that arrived on paper, by phone or email."""

    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[(c.value, c.label) for c in Filing.Channel if c != Filing.Channel.ONLINE],
        initial=Filing.Channel.PAPER,
    )
    scan = forms.FileField(
        label=_("Scan of the signed declaration (PDF, JPEG or PNG)"),
        required=False,
        validators=[validate_private_file],
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_SCANS}),
    )

    def __init__(self, *args, with_scan: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not with_scan:
            del self.fields["scan"]
