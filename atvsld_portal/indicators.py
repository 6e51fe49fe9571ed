"""The catalogue of what the portal measures, shared by plan goals (plans) and computed values
(reporting), so neither app imports the other."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorCode(models.TextChoices):
    # The three goals of Directive 31 plans (DOMAIN §4).
    FATALITY_FREQUENCY = (
        "fatality_frequency",
        _("Fatal accident frequency (deaths per 1,000 workers)"),
    )
    EXPOSED_EXAM_COVERAGE = (
        "exposed_exam_coverage",
        _("Workers exposed to harmful factors examined for occupational disease (%)"),
    )
    MONITORED_ENTERPRISES = (
        "monitored_enterprises",
        _("Enterprises with harmful factors whose workplace environment is monitored"),
    )
    # Context indicators.
    ACCIDENT_FREQUENCY = "accident_frequency", _("Accident frequency (injured per 1,000 workers)")
    ACCIDENTS = "accidents", _("Number of occupational accidents")
    ACCIDENT_DEATHS = "accident_deaths", _("Deaths from occupational accidents")
    INFORMAL_ACCIDENTS = "informal_accidents", _("Accidents of workers without a labour contract")
    DISEASE_CASES = "disease_cases", _("New occupational disease cases")
    ANNUAL_REPORTS_FILED = (
        "annual_reports_filed",
        _("Enterprises that filed their annual OSH report (%)"),
    )
    PROPAGANDA_PARTICIPANTS = "propaganda_participants", _("People reached by OSH propaganda")
    FATAL_RATE = "fatal_rate", _("Fatal rate (deaths per 100,000 workers)")
    MONITORING_COVERAGE = (
        "monitoring_coverage",
        _("Establishments with harmful factors that are monitored (%)"),
    )
    TRAINING_COVERAGE = "training_coverage", _("Workers given OSH training (%)")
    ON_TIME_FILING = "on_time_filing", _("Filings by enterprises on time (%)")
    ASSIGNMENTS_ON_TIME = "assignments_on_time", _("Plan assignments done on time (%)")
