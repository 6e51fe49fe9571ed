"""Occupational accidents, their periodic statistics, and occupational diseases.

One package, three modules: ``accidents`` (the canonical records and reference tables),
``statistics`` (Phụ lục XII and the commune's report) and ``diseases``.
"""

from __future__ import annotations

from incidents.models.accidents import (
    Accident,
    AccidentDeclaration,
    AccidentQuerySet,
    Cause,
    IncidentRecord,
    InjuryCode,
    InjuryFactor,
    InvestigationLevel,
    Occupation,
    QuickReportMethod,
    ReceiptCounter,
    ReferenceEntry,
    Victim,
)
from incidents.models.diseases import (
    DiseaseCase,
    DiseaseExam,
    DiseaseExamQuerySet,
    OccupationalDisease,
)
from incidents.models.statistics import (
    CommuneAccidentReport,
    PeriodicAccidentReport,
    StatisticsPart,
)

__all__ = [
    "Accident",
    "AccidentDeclaration",
    "AccidentQuerySet",
    "Cause",
    "CommuneAccidentReport",
    "DiseaseCase",
    "DiseaseExam",
    "DiseaseExamQuerySet",
    "IncidentRecord",
    "InjuryCode",
    "InjuryFactor",
    "InvestigationLevel",
    "Occupation",
    "OccupationalDisease",
    "PeriodicAccidentReport",
    "QuickReportMethod",
    "ReceiptCounter",
    "ReferenceEntry",
    "StatisticsPart",
    "Victim",
]
