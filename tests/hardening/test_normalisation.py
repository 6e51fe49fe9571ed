"""Typed text is stored in composed form (NFC) without invisible characters, in one place (the
portal's form base classes), so a search finds a name whether it was typed with composed or
decomposed marks, with a zero-width space inside, or without marks at all; NUL is refused with
a Vietnamese message."""

from __future__ import annotations

import importlib
import unicodedata

import pytest
from django import forms
from django.urls import reverse

from atvsld_portal.forms import NormalisedTextMixin
from atvsld_portal.text import normalise_search, normalise_text
from enterprises.models import Enterprise, OwnershipType
from tests.hardening.corpus import BY_KEY, NAME_NFC, NAME_NFD

FORM_MODULES = (
    "atvsld_portal.forms",
    "enterprises.forms",
    "incidents.forms",
    "incidents.forms_commune_reports",
    "incidents.forms_corrections",
    "incidents.forms_diseases",
    "incidents.forms_records",
    "incidents.forms_statistics",
    "incidents.workflow_forms",
    "plans.forms",
    "reporting.forms",
    "reporting.report_forms",
)
# Forms that keep Django's own handling, and why.
NOT_NORMALISED = {
    # Django normalises the username (NFKC) itself; a password must reach the hasher as typed.
    "atvsld_portal.auth_forms.PortalAuthenticationForm",
    # Two dates of the admin's view-log export: nothing typed is stored.
    "atvsld_portal.admin.ViewLogRangeForm",
}


def _portal_form_classes() -> list[type]:
    for name in FORM_MODULES:
        importlib.import_module(name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = {*subclasses(forms.BaseForm), *subclasses(forms.BaseFormSet)}
    apps = ("atvsld_portal.", "enterprises.", "incidents.", "plans.", "reporting.")
    return [cls for cls in found if cls.__module__.startswith(apps)]


def test_every_form_of_the_portal_normalises_what_is_typed():
    classes = _portal_form_classes()
    assert len(classes) >= 40
    missing = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in classes
        if not issubclass(cls, NormalisedTextMixin)
        and f"{cls.__module__}.{cls.__qualname__}" not in NOT_NORMALISED
    ]
    assert not missing, f"forms that store text as typed: {missing}"


def test_normalise_text_composes_and_removes_invisible_characters():
    assert normalise_text(NAME_NFD) == NAME_NFC
    assert unicodedata.is_normalized("NFC", normalise_text(NAME_NFD))
    zero_width = BY_KEY["zero_width"]
    assert normalise_text(zero_width.text) == zero_width.stored
    assert normalise_text(BY_KEY["rtl_override"].text) == "Biên bản exe.fdp"
    # Emoji sequences keep their joiner; NUL is left for the form to refuse.
    assert normalise_text(BY_KEY["emoji"].text) == BY_KEY["emoji"].text
    assert "\x00" in normalise_text("a\x00b")


def test_the_search_key_ignores_marks_form_and_invisible_characters():
    keys = {
        normalise_search(text)
        for text in (NAME_NFC, NAME_NFD, "Ngu\u200byễn Thị Hư\ufeffờng", "NGUYEN THI HUONG")
    }
    assert keys == {"nguyen thi huong"}


def _enterprise_data(name: str) -> dict:
    return {
        "name": name,
        "ownership_type": OwnershipType.objects.get(code="2").pk,
        "activity_version": "2025",
        "activity_code": "0810",
        "status": "active",
        "workforce_total": "10",
        "workforce_women": "2",
        "payroll": "0",
    }


@pytest.mark.django_db
def test_a_name_typed_decomposed_is_stored_composed_and_found_every_way(officer_client):
    typed = f"Hộ kinh doanh {NAME_NFD}\u200b"
    response = officer_client.post(reverse("enterprises:create"), _enterprise_data(typed))
    assert response.status_code == 302
    enterprise = Enterprise.objects.get()
    assert enterprise.name == f"Hộ kinh doanh {NAME_NFC}"
    assert unicodedata.is_normalized("NFC", enterprise.name)

    searches = [
        NAME_NFC,
        NAME_NFD,
        "nguyen thi huong",  # without marks
        "NGUYỄN THỊ HƯỜNG",
        "Nguy\u200bễn Thị",  # a zero-width space pasted into the search
    ]
    for query in searches:
        page = officer_client.get(reverse("enterprises:list"), {"q": query}).text
        assert enterprise.get_absolute_url() in page, query
    page = officer_client.get(reverse("enterprises:list"), {"q": "Trần Văn"}).text
    assert enterprise.get_absolute_url() not in page


@pytest.mark.django_db
def test_a_nul_character_is_refused_with_a_vietnamese_message(officer_client):
    response = officer_client.post(
        reverse("enterprises:create"), _enterprise_data("Công ty\x00 TNHH Ea Ly")
    )
    assert response.status_code == 200
    assert not Enterprise.objects.exists()
    errors = response.context["form"].errors["name"]
    assert errors == ["Nội dung có ký tự không hợp lệ (ký tự NUL): hãy xóa ký tự đó rồi gửi lại."]
    assert 'id="error_1_id_name"' in response.text
    # A search with NUL in it is a search, not a server error.
    page = officer_client.get(reverse("enterprises:list"), {"q": "Ea\x00Ly"})
    assert page.status_code == 200
