"""The report of the commune People's Committee to the Party committee (DOMAIN §8.2) and its
variants: the figures from the records, a drafted narrative, the charts, the PDF on the Decree 30
frame (DOMAIN §8.1), and the editable .docx and the .xlsx of its tables.

Every figure comes from records or computed indicator values, never from typing:

- ``build_report_data`` collects them into one JSON-serialisable dict (frozen on the report when it
  is issued). Its keys: ``period`` (bounds and wording), ``commune``, ``plan``, ``leadership``
  (documents issued), ``propaganda`` (rows by kind and totals), ``inspections``, ``accidents``
  (``sectors`` with ``period`` / ``previous`` / ``ytd`` counts, ``commuting``, ``revisions``),
  ``health`` (exams, cases, monitoring, training), ``budget``, ``indicators`` (the table rows),
  ``assignments`` (plan progress and what is overdue), ``trend`` (fatality frequency by year and its
  target) and ``computed_at``.
- ``document_content`` turns the data and the report's narrative into parts, sections, paragraphs
  and tables, which the PDF templates, the .docx and the .xlsx all render: the three never
  disagree.

The wording of the document is Vietnamese template text of an official document, not translated
UI strings; indicator names come from the catalogue under the Vietnamese locale. Numbers are
printed the Vietnamese way (``1.250``, ``0,769``) and years never get a thousand separator.
"""

from __future__ import annotations

from reporting.quarterly.content import Table, build_charts, document_content
from reporting.quarterly.figures import (
    DATA_VERSION,
    build_report_data,
    default_summary,
    period_bounds,
)
from reporting.quarterly.narrative import draft_narrative
from reporting.quarterly.outputs import pdf_filename, render_report_pdf, report_docx, report_xlsx

__all__ = [
    "DATA_VERSION",
    "Table",
    "build_charts",
    "build_report_data",
    "default_summary",
    "document_content",
    "draft_narrative",
    "pdf_filename",
    "period_bounds",
    "render_report_pdf",
    "report_docx",
    "report_xlsx",
]
