"""The small form of a correction: the account, place and time, and per victim the severity,
working days lost and treatment place. Initial values come from the draft's snapshot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atvsld_portal.forms import PortalForm
from incidents.forms import DATETIME_WIDGET
from incidents.models import Victim
from incidents.services import SNAPSHOT_DATETIME

VICTIM_FIELDS = ("severity", "days_off", "treatment_place")


class CorrectionStartForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CorrectionForm(PortalForm):
    occurred_at = forms.DateTimeField(
        label=_("Date and time"), input_formats=[SNAPSHOT_DATETIME], widget=DATETIME_WIDGET
    )
    place = forms.CharField(label=_("Place"), max_length=255)
    account = forms.CharField(
        label=_("What happened and first assessment of the cause"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, snapshot: dict[str, Any], **kwargs) -> None:
        self.victim_names = [v["full_name"] for v in snapshot.get("victims", [])]
        initial = {
            "occurred_at": datetime.strptime(snapshot["occurred_at"], SNAPSHOT_DATETIME).replace(
                tzinfo=timezone.get_default_timezone()
            ),
            "place": snapshot["place"],
            "account": snapshot["account"],
        }
        for index, victim in enumerate(snapshot.get("victims", [])):
            initial[f"victim_{index}_severity"] = victim.get("severity_code")
            initial[f"victim_{index}_days_off"] = victim.get("days_off", 0)
            initial[f"victim_{index}_treatment_place"] = victim.get("treatment_place", "")
        super().__init__(*args, initial=initial, **kwargs)
        for index, _name in enumerate(self.victim_names):
            self.fields[f"victim_{index}_severity"] = forms.ChoiceField(
                label=_("Severity"), choices=Victim.Severity.choices
            )
            self.fields[f"victim_{index}_days_off"] = forms.IntegerField(
                label=_("Working days lost"), min_value=0
            )
            self.fields[f"victim_{index}_treatment_place"] = forms.CharField(
                label=_("Treatment place"), max_length=255, required=False
            )

    def victim_sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(victim's name, their bound fields), for the template."""
        return [
            (name, [self[f"victim_{index}_{field}"] for field in VICTIM_FIELDS])
            for index, name in enumerate(self.victim_names)
        ]

    def victims_data(self) -> list[dict[str, Any]]:
        return [
            {field: self.cleaned_data[f"victim_{index}_{field}"] for field in VICTIM_FIELDS}
            for index in range(len(self.victim_names))
        ]
