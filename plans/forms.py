"""Forms of plans: they validate and normalise; services apply the rules."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from atvsld_portal.forms import DATE_WIDGET, LocalizedNumbersMixin, PortalForm, PortalModelForm
from atvsld_portal.models import ResponsibleUnit
from plans.models import ActivityReport, Assignment, Plan, PlanBudget, Task

ACCEPTED_UPLOADS = ".pdf,.jpg,.jpeg,.png,.xlsx,.docx"


# ------------------------------------------------------------------------------
# Activity reports
# ------------------------------------------------------------------------------
def kinds_by_output() -> dict[str, list[str]]:
    """For each counted output, the kinds of activity that ask for it."""
    kinds: dict[str, list[str]] = {name: [] for name in ActivityReport.OUTPUT_FIELDS}
    for kind, outputs in ActivityReport.OUTPUTS_BY_KIND.items():
        for name in outputs:
            kinds[name].append(str(kind))
    return kinds


class ActivityReportForm(LocalizedNumbersMixin, PortalModelForm):
    """What a unit did. Every output field is rendered; its wrapper lists the kinds it belongs
    to (``data-output-kinds``) so static/js/activity_report_form.js can hide the others. Without
    JavaScript all fields show and the service ignores those that do not fit the kind."""

    unlocalized_fields = ()

    class Meta:
        model = ActivityReport
        fields = ["occurred_on", "kind", "description", *ActivityReport.OUTPUT_FIELDS, "attachment"]
        widgets = {
            "occurred_on": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
            "attachment": forms.FileInput(attrs={"accept": ACCEPTED_UPLOADS}),
        }
        help_texts = {
            "attachment": _(
                "Optional: minutes, photos or the document issued (PDF, JPEG, PNG, .xlsx, .docx)."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ActivityReport.OUTPUT_FIELDS:
            self.fields[name].required = False
        if self.instance.pk and self.instance.attachment:
            self.fields["attachment"].help_text = _(
                "A file is attached. Choose another file only to replace it."
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page template writes the form tag and token
        kinds = kinds_by_output()
        self.helper.layout = Layout(
            Row(
                Column("occurred_on", css_class="col-md-4"),
                Column("kind", css_class="col-md-8"),
            ),
            "description",
            Fieldset(
                _("Counted outputs"),
                HTML(
                    format_html(
                        '<p class="small text-body-secondary">{}</p>',
                        _(
                            "Fill in the numbers that fit the kind of activity; "
                            "the others are not kept."
                        ),
                    )
                ),
                Row(
                    *(
                        Div(
                            name,
                            css_class="col-sm-6 col-lg-4",
                            data_output_kinds=" ".join(kinds[name]),
                        )
                        for name in ActivityReport.OUTPUT_FIELDS
                    )
                ),
                css_id="activity-outputs",
            ),
            "attachment",
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        relevant = set(ActivityReport.OUTPUTS_BY_KIND.get(kind, ()))
        for name in ActivityReport.OUTPUT_FIELDS:
            if kind and name not in relevant:
                # A field hidden for this kind is not kept, so its typing errors do not count.
                self._errors.pop(name, None)
                cleaned[name] = 0
            elif cleaned.get(name) is None and name not in self._errors:
                cleaned[name] = 0
        inspected = cleaned.get("establishments_inspected") or 0
        if (cleaned.get("violations_found") or 0) > inspected:
            self.add_error(
                "violations_found",
                _("Violations found cannot outnumber the establishments inspected."),
            )
        return cleaned


class ReviewReturnForm(PortalForm):
    """Why a report goes back to the unit."""

    comment = forms.CharField(
        label=_("What should the unit correct?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# ------------------------------------------------------------------------------
# Plan editing (officials)
# ------------------------------------------------------------------------------
class PlanForm(PortalModelForm):
    class Meta:
        model = Plan
        fields = [
            "title",
            "number",
            "symbol",
            "issued_on",
            "issuing_body",
            "signer_authority",
            "signer_position",
            "signer_name",
            "status",
            "start_year",
            "end_year",
            "purposes",
            "requirements",
            "closing_text",
            "recipients",
        ]
        widgets = {
            "issued_on": DATE_WIDGET,
            "title": forms.Textarea(attrs={"rows": 2}),
            "purposes": forms.Textarea(attrs={"rows": 6}),
            "requirements": forms.Textarea(attrs={"rows": 3}),
            "closing_text": forms.Textarea(attrs={"rows": 3}),
            "recipients": forms.Textarea(attrs={"rows": 4}),
        }


class PlanCopyForm(PortalForm):
    start_year = forms.IntegerField(
        label=_("Start year of the new plan"), min_value=2000, max_value=2100
    )


class TaskForm(PortalModelForm):
    class Meta:
        model = Task
        fields = ["group", "number", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = plan.task_groups.order_by("number")


class AssignmentForm(PortalModelForm):
    class Meta:
        model = Assignment
        fields = ["unit", "role", "cadence", "month", "due_on", "note"]
        widgets = {"due_on": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = ResponsibleUnit.objects.filter(
            commune=plan.commune, is_active=True
        )
        self.fields["month"] = forms.TypedChoiceField(
            label=_("Month"),
            choices=[("", "—"), *[(m, _("Month %(month)s") % {"month": m}) for m in range(1, 13)]],
            coerce=int,
            empty_value=None,
            required=False,
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        cadence = cleaned.get("cadence")
        if cadence != Assignment.Cadence.FIXED_MONTH:
            cleaned["month"] = None
        if cadence != Assignment.Cadence.ONE_OFF:
            cleaned["due_on"] = None
        return cleaned


class BudgetLineForm(LocalizedNumbersMixin, PortalModelForm):
    class Meta:
        model = PlanBudget
        fields = ["year", "purpose", "source", "allocated", "spent"]
