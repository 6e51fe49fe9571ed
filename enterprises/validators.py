"""Identifiers of DOMAIN §9: tax codes, personal IDs, phone numbers, VSIC codes."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
TAX_CODE_RE = re.compile(r"^\d{10}(-\d{3})?$")
PERSONAL_ID_RE = re.compile(r"^\d{12}$")
MOBILE_RE = re.compile(r"^(?:0|\+?84)([35789]\d{8})$")
LANDLINE_RE = re.compile(r"^(?:0|\+?84)(2\d{9})$")
VSIC_CODE_RE = re.compile(r"^\d{2}(\d{1,3})?$")


def tax_code_check_digit(first_nine: str) -> int | None:
    """N10 = 10 - (sum of Ni*Wi mod 11); None when the remainder is 0 (never issued)."""
    remainder = sum(int(d) * w for d, w in zip(first_nine, TAX_CODE_WEIGHTS, strict=True)) % 11
    return None if remainder == 0 else 10 - remainder


def is_valid_tax_code(value: str) -> bool:
    if not TAX_CODE_RE.match(value):
        return False
    body, _dash, branch = value.partition("-")
    if branch == "000":
        return False
    return tax_code_check_digit(body[:9]) == int(body[9])


def normalise_tax_code(value: str) -> str:
    return "".join(value.split()).replace("\u2013", "-")  # an en dash typed for the branch dash


def validate_enterprise_tax_code(value: str) -> None:
    """10 digits or 10-3 (branch) with the check digit; or a 12-digit personal ID (household)."""
    if PERSONAL_ID_RE.match(value):
        return
    if not TAX_CODE_RE.match(value):
        raise ValidationError(
            _(
                "A tax code has 10 digits, or 10 digits, a dash and 3 digits for a branch; "
                "a household business may use its 12-digit personal ID."
            ),
            code="tax_code_format",
        )
    if not is_valid_tax_code(value):
        raise ValidationError(
            _(
                "This tax code is not valid: its check digit does not match. "
                "Check it against the business registration certificate."
            ),
            code="tax_code_check_digit",
        )


def normalise_phone(value: str) -> str:
    """Return the E.164 form (+84…) of a Vietnamese mobile or landline number, or raise."""
    digits = re.sub(r"[\s.\-()]", "", value)
    for pattern in (MOBILE_RE, LANDLINE_RE):
        match = pattern.match(digits)
        if match:
            return f"+84{match.group(1)}"
    raise ValidationError(
        _(
            "Enter a Vietnamese phone number: a 10-digit mobile (03, 05, 07, 08, 09…) "
            "or an 11-digit landline (02…)."
        ),
        code="phone",
    )


def display_phone(value: str) -> str:
    """National format for display: +84905123456 → 0905 123 456."""
    if not value.startswith("+84"):
        return value
    national = "0" + value[3:]
    if len(national) == 10:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return f"{national[:4]} {national[4:7]} {national[7:]}"


def validate_vsic_code(value: str) -> None:
    if not VSIC_CODE_RE.match(value):
        raise ValidationError(
            _("An economic activity code has 2 to 5 digits (e.g. 0810 or 08101)."), code="vsic_code"
        )
