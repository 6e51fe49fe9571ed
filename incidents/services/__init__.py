"""Write-side rules of accidents, one module per part of the process:

- declarations: drafts, submission with a gapless receipt number, receipt, notification;
- records: the biên bản and the quick report for the informal sector;
- investigation: the commune's steps after receipt and the legal time limits;
- corrections: filed versions n+1 under the same receipt number;
- reports: the enterprise's Phụ lục XII report and the commune's report to Sở Nội vụ;
- diseases: detection-exam rounds and occupational-disease cases.

Callers use ``from incidents import services`` and ``services.<name>``.
"""

from __future__ import annotations

from incidents.services.corrections import (
    CORRECTION_CLOSED,
    DIFFERENCE_FIELDS,
    SNAPSHOT_DATETIME,
    VICTIM_DIFFERENCE_FIELDS,
    correction_apply,
    correction_is_open,
    correction_start,
    correction_submit,
    correction_update,
    declaration_differences,
)
from incidents.services.declarations import (
    NOTIFY_TASK,
    accident_receive,
    accident_save_draft,
    accident_snapshot,
    accident_submit,
    accident_year,
    is_urgent,
    next_receipt_number,
    notify_officials_of_declaration,
    recompute_later,
    victim_rule_errors,
)
from incidents.services.investigation import (
    accident_close,
    accident_extend,
    accident_mark_not_occupational,
    accident_mark_quick_reported,
    accident_start_investigation,
    accident_transfer_to_police,
)
from incidents.services.records import (
    INCIDENT_RECORD_FIELDS,
    incident_record_save,
    needs_incident_record,
    quick_report_record,
)

__all__ = [
    "CORRECTION_CLOSED",
    "DIFFERENCE_FIELDS",
    "INCIDENT_RECORD_FIELDS",
    "NOTIFY_TASK",
    "SNAPSHOT_DATETIME",
    "VICTIM_DIFFERENCE_FIELDS",
    "accident_close",
    "accident_extend",
    "accident_mark_not_occupational",
    "accident_mark_quick_reported",
    "accident_receive",
    "accident_save_draft",
    "accident_snapshot",
    "accident_start_investigation",
    "accident_submit",
    "accident_transfer_to_police",
    "accident_year",
    "correction_apply",
    "correction_is_open",
    "correction_start",
    "correction_submit",
    "correction_update",
    "declaration_differences",
    "incident_record_save",
    "is_urgent",
    "needs_incident_record",
    "next_receipt_number",
    "notify_officials_of_declaration",
    "quick_report_record",
    "recompute_later",
    "victim_rule_errors",
]
