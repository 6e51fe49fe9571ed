"""The accident register workbook is streamed (issue 10): rows are read from the database in
chunks and written with openpyxl's write-only mode, with the same cells as the register rows."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from django.http import FileResponse
from django.urls import reverse
from django.utils import translation

from atvsld_portal.exports import neutralise
from incidents import documents
from incidents.models import Accident, Cause
from tests.incidents.factories import HCM
from tests.incidents.test_documents import S, declared

pytestmark = pytest.mark.django_db


def test_the_register_xlsx_is_streamed_with_the_register_rows(client, officer, monkeypatch):
    from openpyxl import load_workbook

    # Three accidents read two at a time: the second chunk must still get its victims.
    monkeypatch.setattr(documents, "REGISTER_CHUNK_SIZE", 2)
    first = declared(
        commune=officer.commune,
        by=officer,
        severities=(S.SERIOUS, S.MINOR),
        occurred_at=datetime(2026, 1, 5, 8, 0, tzinfo=HCM),
        names=("Ksor Kim", "=HYPERLINK(1)"),
    )
    Accident.objects.filter(pk=first.pk).update(main_cause=Cause.NO_PPE_PROVIDED)
    for day, name in ((6, "Rơ Mah Hlao"), (7, "Y Bih Niê")):
        declared(
            commune=officer.commune,
            by=officer,
            occurred_at=datetime(2026, 1, day, 8, 0, tzinfo=HCM),
            names=(name,),
        )
    client.force_login(officer)

    response = client.get(reverse("incidents:register_xlsx"), {"year": "2026"})

    assert isinstance(response, FileResponse)
    assert response.streaming
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    expected = documents.register_rows(
        documents.register_accidents(commune=officer.commune, year=2026)
    )
    assert [row[3] for row in expected] == ["Ksor Kim", "=HYPERLINK(1)", "Rơ Mah Hlao", "Y Bih Niê"]
    assert expected[0][9] == str(Cause.NO_PPE_PROVIDED.label)
    values = list(sheet.values)
    assert list(values[0]) == documents.REGISTER_HEADER
    written = [
        [cell.date() if i == 1 else cell for i, cell in enumerate(row)] for row in values[1:]
    ]
    # openpyxl reads an empty text cell back as None.
    assert written == [
        [neutralise(cell) if cell != "" else None for cell in row] for row in expected
    ]
    assert written[1][3] == "'=HYPERLINK(1)"
    assert sheet.title == "Sổ thống kê TNLĐ"
    assert {sheet.cell(row=n, column=2).number_format for n in range(2, 6)} == {"DD/MM/YYYY"}
    assert sheet.column_dimensions["C"].width == 28
    assert sheet.column_dimensions["L"].width == 20


def test_the_register_labels_follow_the_active_language(officer):
    declared(commune=officer.commune, by=officer, occurred_at=datetime(2026, 2, 3, 9, tzinfo=HCM))
    accident = Accident.objects.get()
    Accident.objects.filter(pk=accident.pk).update(status=Accident.Status.RECEIVED)
    accidents = documents.register_accidents(commune=officer.commune, year=2026)

    with translation.override("vi"):
        vietnamese = documents.register_rows(accidents.all())
    with translation.override("en"):
        english = documents.register_rows(accidents.all())

    assert vietnamese[0][11] == "Xã đã tiếp nhận"
    assert english[0][11] == "Received by the commune"
