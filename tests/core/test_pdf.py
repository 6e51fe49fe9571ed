"""The PDF helper and the Decree 30/2020 frame."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from atvsld_portal.pdf import render_pdf


@pytest.fixture(scope="module")
def pdf_bytes():
    context = {
        "doc": {
            "issuing_body": "Ủy ban nhân dân\nxã Ea Ly",
            "number": "05/TB-UBND",
            "place": "Ea Ly",
            "issued_on": date(2026, 1, 5),
            "doc_type": "Thông báo",
            "summary": "Về việc hưởng ứng Tháng hành động về ATVSLĐ",
            "recipients": ["Đảng ủy xã (b/c)", "Các doanh nghiệp trên địa bàn xã", "Lưu: VT, VHXH"],
            "signer_authority": "TM. Ủy ban nhân dân",
            "signer_position": "Chủ tịch",
            "signer_name": "Huỳnh Văn Hùng",
        },
        # Long enough to run onto a second page.
        "paragraphs": [
            "Người lao động được huấn luyện về an toàn, vệ sinh lao động; ỦY BAN Đắk Lắk ưu tiên."
        ]
        * 60,
    }
    return render_pdf("core/pdf/sample_notice.html", context)


def test_the_frame_has_the_national_title_as_extractable_text(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    first_page = reader.pages[0].extract_text()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first_page
    assert "Độc lập - Tự do - Hạnh phúc" in first_page
    assert "ỦY BAN NHÂN DÂN\nXÃ EA LY" in first_page
    assert "Số: 05/TB-UBND" in first_page
    assert "Ea Ly, ngày 05 tháng 01 năm 2026" in first_page


def test_signer_and_recipients_close_the_document(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    last_page = reader.pages[-1].extract_text()
    assert "Nơi nhận:" in last_page
    assert "- Lưu: VT, VHXH." in last_page
    assert "TM. ỦY BAN NHÂN DÂN" in last_page
    assert "Huỳnh Văn Hùng" in last_page


def test_pages_are_a4_and_numbered_from_page_two(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    assert len(reader.pages) >= 2
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    assert "2" in reader.pages[1].extract_text().splitlines()
    assert "1" not in reader.pages[0].extract_text().splitlines()


def test_the_vendored_vietnamese_font_is_embedded(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (
                font.get("/FontDescriptor")
                or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
            descriptor = descriptor.get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts
    assert all("Liberation-Serif" in name for name in fonts), fonts
    assert all(fonts.values()), fonts


def test_resources_outside_static_are_refused():
    from atvsld_portal.pdf import _disk_only_fetcher

    fetcher = _disk_only_fetcher()
    with pytest.raises(ValueError, match="static"):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError, match="disallowed"):
        fetcher.fetch("http://example.com/x.css")
