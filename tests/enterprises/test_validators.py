"""Identifiers checked by hand (DOMAIN §9)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from atvsld_portal.text import normalise_search
from enterprises.validators import (
    display_phone,
    is_valid_tax_code,
    normalise_phone,
    tax_code_check_digit,
    validate_enterprise_tax_code,
)


def test_viettel_tax_code_check_digit_by_hand():
    # S = 0*31 + 1*29 + 0*23 + 0*19 + 1*17 + 0*13 + 9*7 + 1*5 + 0*3 = 114
    # 114 mod 11 = 4, so N10 = 10 - 4 = 6
    assert tax_code_check_digit("010010910") == 6
    assert is_valid_tax_code("0100109106")


@pytest.mark.parametrize("code", ["0100109105", "0100109107", "0100109100"])
def test_a_changed_last_digit_is_invalid(code):
    assert not is_valid_tax_code(code)
    with pytest.raises(ValidationError) as excinfo:
        validate_enterprise_tax_code(code)
    assert excinfo.value.code == "tax_code_check_digit"


def test_branch_codes():
    assert is_valid_tax_code("0100109106-001")
    assert not is_valid_tax_code("0100109106-000")  # the branch sequence starts at 001
    assert not is_valid_tax_code("0100109107-001")  # the parent's check digit still counts


def test_remainder_zero_bodies_are_never_issued():
    # Find a body whose weighted sum is a multiple of 11: 10 - 0 would be 10, not a digit.
    body = next(
        f"{n:09d}"
        for n in range(1, 10_000)
        if sum(
            int(d) * w for d, w in zip(f"{n:09d}", (31, 29, 23, 19, 17, 13, 7, 5, 3), strict=True)
        )
        % 11
        == 0
    )
    assert tax_code_check_digit(body) is None
    assert not any(is_valid_tax_code(f"{body}{d}") for d in range(10))


def test_household_personal_id_is_accepted():
    validate_enterprise_tax_code("054187001234")


@pytest.mark.parametrize("code", ["123", "01001091061", "0100109106-01", "abcdefghij"])
def test_malformed_codes(code):
    with pytest.raises(ValidationError) as excinfo:
        validate_enterprise_tax_code(code)
    assert excinfo.value.code == "tax_code_format"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0905 123 456", "+84905123456"),
        ("+84 905.123.456", "+84905123456"),
        ("84905123456", "+84905123456"),
        ("0262 3852 123", "+842623852123"),
    ],
)
def test_phone_numbers_are_stored_in_e164(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["0123456789", "090512345", "0905-123-4567", "abc"])
def test_bad_phone_numbers(typed):
    with pytest.raises(ValidationError):
        normalise_phone(typed)


def test_phone_display_is_national():
    assert display_phone("+84905123456") == "0905 123 456"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Công ty Đá Ea Ly", "cong ty da ea ly"),
        ("CÔNG TY  ĐÁ", "cong ty da"),
        ("Hợp tác xã Gạch ngói", "hop tac xa gach ngoi"),
        ("Buôn Ken", "buon ken"),
        ("", ""),
    ],
)
def test_search_normalisation_strips_marks_and_maps_d(text, expected):
    assert normalise_search(text) == expected
