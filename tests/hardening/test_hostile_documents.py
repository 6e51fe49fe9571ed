"""Every document the portal produces, rendered once with the whole corpus in the text that
reaches it (issue 9, deliverable 3): PDFs, .docx, .xlsx and CSV.

Each document kind spreads the corpus over the free-text fields it prints (as many strings per
field as fit, the 10,000-character text where a field takes it), then downloads the document as
a user who may. It must render; the printable ASCII part of every string must come out
literally (pdfplumber, python-docx, openpyxl, csv); no spreadsheet cell may be a formula, and no
text cell may start with = + - @, a tab or a carriage return (exports neutralise them with a
leading apostrophe: atvsld_portal.exports.neutralise).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pdfplumber
import pytest
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from atvsld_portal.exports import FORMULA_PREFIXES, neutralise
from atvsld_portal.text import normalise_text
from enterprises.models import Enterprise
from incidents import services as incident_services
from incidents.models import Victim
from reporting import report_services
from tests.core.factories import CommuneFactory, VillageFactory
from tests.enterprises.factories import EnterpriseFactory
from tests.hardening.corpus import DOCUMENT_CORPUS, LONG_END, Hostile
from tests.hardening.walker import make_client
from tests.hardening.world import HostileWorld, build_hostile_world
from tests.incidents.factories import AccidentFactory, VictimFactory
from tests.reporting.factories import ApprovedH1ReportFactory

pytestmark = pytest.mark.django_db

SEPARATOR = " | "


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_hostile_world()
        transaction.set_rollback(True)


# ------------------------------------------------------------------------------
# Putting the corpus into the fields a document prints
# ------------------------------------------------------------------------------
class Placement(dict):
    """Which corpus strings went into which field: {(object, field name): [strings]}."""

    @property
    def items(self) -> list[Hostile]:
        return [item for items in self.values() for item in items]

    def of(self, *fields: tuple[models.Model, str]) -> list[Hostile]:
        return [item for obj, name in fields for item in self.get((obj, name), [])]


def spread(targets: list[tuple[models.Model, str]]) -> Placement:
    """The whole corpus, as the portal stores text (``normalise_text``: composed, without
    invisible characters), over these fields in order: as many strings per field as fit (each
    field starts with a string of its own, so formula prefixes start cells); the 10,000
    characters into the first field without a length limit."""
    waiting = list(DOCUMENT_CORPUS)
    placement = Placement()
    for obj, name in targets:
        limit = obj._meta.get_field(name).max_length
        parts: list[Hostile] = []
        for item in list(waiting):
            text = SEPARATOR.join(normalise_text(p.text) for p in [*parts, item])
            if limit is None or len(text) <= limit:
                parts.append(item)
                waiting.remove(item)
        if parts:
            setattr(obj, name, SEPARATOR.join(normalise_text(p.text) for p in parts))
            placement[(obj, name)] = parts
    for obj in {id(obj): obj for obj, _name in targets}.values():
        obj.save()
    short = [item for item in DOCUMENT_CORPUS if item.short]
    assert all(item in placement.items for item in short), "the fields cannot hold the corpus"
    return placement


# ------------------------------------------------------------------------------
# Reading documents
# ------------------------------------------------------------------------------
def pdf_text(content: bytes) -> str:
    """The text of every page, read by pdfplumber and by pypdf: pdfplumber loses the text set in
    the bold face of the vendored font (its character map spells each letter with a NUL before
    it, which pypdf reads)."""
    assert content.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        plumbed = "\n".join(page.extract_text() or "" for page in pdf.pages)
    read = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return plumbed + "\n" + read.replace("\x00", "")


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def xlsx_text(content: bytes) -> tuple[str, list[str]]:
    """The text of every cell, and the cells that are (or would be read as) formulas."""
    workbook = load_workbook(io.BytesIO(content))
    texts, formulas = [], []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
                elif isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(FORMULA_PREFIXES):
                        formulas.append(f"{sheet.title}!{cell.coordinate}: {cell.value[:30]!r}")
    return "\n".join(texts), formulas


def csv_text(content: bytes) -> tuple[str, list[str]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    return "\n".join(cells), [c[:30] for c in cells if c.startswith(FORMULA_PREFIXES)]


def squeeze(text: str) -> str:
    """Without white space: a PDF breaks long lines where it likes."""
    return "".join(text.split())


# ------------------------------------------------------------------------------
# The documents
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Download:
    persona: str
    url: str
    kind: str  # pdf, docx, xlsx, csv
    shows: tuple[Hostile, ...] | None = None  # what it prints, when not every field placed


@dataclass(frozen=True)
class DocumentKind:
    prepare: Callable[[HostileWorld], tuple[list[Hostile], list[Download]]]


def _url(name: str, obj, **query) -> str:
    url = reverse(name, kwargs={"public_id": obj.public_id})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def accident_receipt(world: HostileWorld):
    enterprise = world.objects["enterprise"]
    accident = AccidentFactory(
        enterprise=enterprise,
        commune=world.commune,
        created_by=world.personas["EU"],
        occurred_at=timezone.now() - timedelta(days=1),
    )
    victim = VictimFactory(accident=accident, severity=Victim.Severity.MINOR)
    placed = spread(
        [
            (accident, "account"),
            (accident, "place"),
            (accident, "declarant_name"),
            (accident, "declarant_position"),
            (victim, "full_name"),
            (victim, "occupation_name"),
            (victim, "treatment_place"),
        ]
    )
    incident_services.accident_submit(accident=accident, by=world.personas["EU"])
    return placed, [Download("CO", _url("incidents:receipt", accident), "pdf")]


def annual_report(world: HostileWorld):
    report = world.objects["annual_report_draft"]
    enterprise = report.enterprise
    placed = spread(
        [
            (enterprise, "name"),
            (enterprise, "address"),
            (report, "osh_service_provider"),
            (report, "health_service_provider"),
            (enterprise, "legal_representative"),
        ]
    )
    return placed, [
        Download("CO", _url("enterprises:annual_report_pdf", report), "pdf"),
        Download("CO", _url("enterprises:annual_report_xlsx", report), "xlsx"),
    ]


def accident_statistics_report(world: HostileWorld):
    report = world.objects["periodic_draft"]
    enterprise = report.enterprise
    placed = spread(
        [
            (enterprise, "name"),
            (enterprise, "address"),
            (report, "recipient"),
            (enterprise, "legal_representative"),
        ]
    )
    return placed, [
        Download("CO", _url("statistics:report_pdf", report), "pdf"),
        Download("CO", _url("statistics:report_xlsx", report), "xlsx"),
    ]


def commune_accident_report(world: HostileWorld):
    report = world.objects["commune_report"]
    placed = spread(
        [
            (report, "remarks"),
            (report, "recipient"),
            (report, "signer_title"),
            (report, "signer_name"),
            (report, "document_number"),
        ]
    )
    return placed, [
        Download("CO", _url(f"commune_reports:{kind}", report), kind)
        for kind in ("pdf", "docx", "xlsx")
    ]


def quarterly_report(world: HostileWorld):
    report = world.objects["quarterly_draft"]
    placed = spread(
        [
            (report, "summary"),
            (report, "introduction"),
            (report, "signer_name"),
            (report, "signer_title"),
            (report, "place"),
            (report, "strengths"),
        ]
    )
    report_services.report_request_generation(report=report, by=world.personas["CO"])
    report_services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == report.Status.READY, report.error
    url = _url("reporting:report_xlsx", report)
    # The workbook holds the tables of figures under the title and summary line.
    in_workbook = tuple(placed.of((report, "summary")))
    return placed, [
        Download("CO", _url("reporting:report_pdf", report), "pdf"),
        Download("CO", _url("reporting:report_docx", report), "docx"),
        Download("CO", url, "xlsx", shows=in_workbook),
    ]


def province_summary(world: HostileWorld):
    """The summary prints the communes of the province (names from the official lists, typed in
    by an administrator): communes with hostile names and an approved report each."""
    year = timezone.localdate().year - 1
    communes = [CommuneFactory(parent=world.commune.parent) for _ in range(4)]
    placed = spread([(commune, "name") for commune in communes])
    for commune in communes:
        ApprovedH1ReportFactory(enterprise=EnterpriseFactory(commune=commune), year=year)
    query = f"?year={year}&part=h1"
    return placed, [
        Download("PV", reverse("reporting:province_summary_pdf") + query, "pdf"),
        Download("PV", reverse("reporting:province_summary_xlsx") + query, "xlsx"),
    ]


def registry_exports(world: HostileWorld):
    enterprise = world.objects["enterprise"]
    placed = spread(
        [
            (enterprise, "name"),
            (enterprise, "address"),
            (enterprise, "legal_representative"),
            (enterprise, "osh_officer_name"),
        ]
    )
    export = reverse("enterprises:export")
    return placed, [
        Download("CO", export, "xlsx"),
        Download("CO", export + "?format=csv", "csv"),
    ]


def accident_register(world: HostileWorld):
    """The commune's register of accidents of workers without a labour contract."""
    accident = world.objects["informal_serious"]
    victim = accident.victims.first()
    placed = spread([(accident, "place"), (victim, "full_name"), (victim, "occupation_name")])
    query = f"?year={timezone.localdate().year}"
    return placed, [
        Download("CO", reverse("incidents:register_pdf") + query, "pdf"),
        Download("CO", reverse("incidents:register_xlsx") + query, "xlsx"),
    ]


def incident_record(world: HostileWorld):
    record = world.objects["incident_record"]
    placed = spread(
        [
            (record, "members_present"),
            (record, "recorded_place"),
            (record, "work_being_done"),
            (record, "injuries_and_treatment"),
            (record, "preliminary_cause"),
        ]
    )
    accident = record.accident
    return placed, [
        Download("CO", _url(f"incidents:incident_record_{kind}", accident), kind)
        for kind in ("pdf", "docx")
    ]


def quick_report(world: HostileWorld):
    accident = world.objects["informal_fatal"]
    victim = accident.victims.first()
    placed = spread(
        [
            (accident, "account"),
            (accident, "place"),
            (victim, "full_name"),
            (victim, "occupation_name"),
            (victim, "treatment_place"),
        ]
    )
    return placed, [
        Download("CO", _url(f"incidents:quick_report_{kind}", accident), kind)
        for kind in ("pdf", "docx")
    ]


def import_template(world: HostileWorld):
    villages = [VillageFactory(commune=world.commune) for _ in range(4)]
    placed = spread([(village, "name") for village in villages])
    return placed, [Download("CO", reverse("enterprises:import_template"), "xlsx")]


def compliance_table(world: HostileWorld):
    enterprises = [EnterpriseFactory(commune=world.commune) for _ in range(2)]
    placed = spread([(enterprise, "name") for enterprise in enterprises])
    return placed, [Download("CO", reverse("compliance:table_csv"), "csv")]


DOCUMENTS = {
    "accident receipt (PDF)": accident_receipt,
    "annual OSH report (PDF, xlsx)": annual_report,
    "Phụ lục XII accident statistics report (PDF, xlsx)": accident_statistics_report,
    "commune accident report (PDF, docx, xlsx)": commune_accident_report,
    "quarterly report (PDF, docx, xlsx)": quarterly_report,
    "province summary (PDF, xlsx)": province_summary,
    "registry export (xlsx, CSV)": registry_exports,
    "accident register (PDF, xlsx)": accident_register,
    "incident record (PDF, docx)": incident_record,
    "quick report (PDF, docx)": quick_report,
    "import template (xlsx)": import_template,
    "compliance table (CSV)": compliance_table,
}


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_document_renders_the_corpus_literally_and_never_as_a_formula(world, name):
    placement, downloads = DOCUMENTS[name](world)
    for download in downloads:
        placed = placement.items if download.shows is None else download.shows
        client = make_client(world.personas[download.persona])
        response = client.get(download.url)
        assert response.status_code == 200, f"{download.url}: {response.status_code}"
        content = b"".join(response.streaming_content) if response.streaming else response.content
        formulas: list[str] = []
        if download.kind == "pdf":
            text = pdf_text(content)
        elif download.kind == "docx":
            text = docx_text(content)
        elif download.kind == "xlsx":
            text, formulas = xlsx_text(content)
        else:
            text, formulas = csv_text(content)
        assert not formulas, f"{download.url}: cells read as formulas: {formulas}"
        flat = squeeze(text)
        missing = [
            item.key for item in placed if item.literal and squeeze(item.literal) not in flat
        ]
        assert not missing, f"{download.url}: not printed literally: {missing}"
        if any(item.key == "long_text" for item in placed):
            assert squeeze(LONG_END) in flat, f"{download.url}: the long text is cut"
        assert Enterprise.objects.exists()  # the SQL in the corpus stayed text


def test_the_export_helper_neutralises_every_formula_prefix():
    """The one helper every CSV and xlsx writer goes through."""
    for prefix in FORMULA_PREFIXES:
        assert neutralise(f"{prefix}1+2") == f"'{prefix}1+2"
    assert neutralise("Biên bản \u202eexe.fdp") == "Biên bản exe.fdp"
    assert neutralise("Ngu\u0301") == "Ngú"
    assert neutralise(-2) == -2
