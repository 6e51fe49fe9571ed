"""Dates and numbers the Vietnamese way, never silently wrong."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats, translation

from atvsld_portal.dates import document_date, document_place_date, quarter_bounds
from atvsld_portal.forms import LocalizedNumbersMixin


class SampleForm(LocalizedNumbersMixin, forms.Form):
    occurred_on = forms.DateField()
    occurred_at = forms.DateTimeField()
    workers = forms.IntegerField()
    cost = forms.DecimalField(decimal_places=1, max_digits=10)
    year = forms.IntegerField()


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def _valid(**data):
    base = {
        "occurred_on": "01/01/2026",
        "occurred_at": "01/01/2026 08:00",
        "workers": "1",
        "cost": "1",
        "year": "2026",
    }
    form = SampleForm(data={**base, **data})
    assert form.is_valid(), form.errors
    return form.cleaned_data


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("05/07/2026", date(2026, 7, 5)),
        ("05/07/26", date(2026, 7, 5)),
        ("2026-07-05", date(2026, 7, 5)),
    ],
)
def test_date_input_is_day_first(typed, expected):
    assert _valid(occurred_on=typed)["occurred_on"] == expected


def test_datetime_input_is_day_first_in_hanoi_time():
    value = _valid(occurred_at="05/07/2026 14:30")["occurred_at"]
    assert value == datetime(2026, 7, 5, 14, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_impossible_day_first_date_is_rejected_not_swapped():
    form = SampleForm(data={"occurred_on": "31/13/2026"})
    assert not form.is_valid()
    assert "occurred_on" in form.errors


@pytest.mark.parametrize(
    ("typed", "expected"), [("1.250", 1250), ("1250", 1250), ("12.500.000", 12500000)]
)
def test_integer_input_reads_thousand_separators(typed, expected):
    assert _valid(workers=typed)["workers"] == expected


def test_decimal_input_reads_comma_as_decimal_separator():
    assert str(_valid(cost="12,5")["cost"]) == "12.5"


def test_year_field_stays_unlocalised():
    form = SampleForm(initial={"year": 2026, "workers": 1250})
    html = str(form["year"]) + str(form["workers"])
    assert 'value="2026"' in html
    assert 'value="1.250"' in html


def test_dates_render_dd_mm_yyyy():
    rendered = Template("{{ d|date:'SHORT_DATE_FORMAT' }} {{ d }} {{ dt }}").render(
        Context(
            {
                "d": date(2026, 1, 5),
                "dt": datetime(2026, 1, 5, 8, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
            }
        )
    )
    assert rendered == "05/01/2026 05/01/2026 05/01/2026 08:30"


def test_numbers_render_with_vietnamese_separators_and_years_do_not():
    rendered = Template("{% load l10n %}{{ n }} {{ x }} Năm {{ year|unlocalize }}").render(
        Context({"n": 1234567, "x": 1234.5, "year": 2026})
    )
    assert rendered == "1.234.567 1.234,5 Năm 2026"
    assert formats.number_format(1250) == "1.250"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (date(2026, 12, 15), "ngày 15 tháng 12 năm 2026"),
    ],
)
def test_document_date_pads_days_and_first_two_months(value, expected):
    assert document_date(value) == expected


def test_document_place_date():
    assert document_place_date("Ea Ly", date(2027, 1, 5)) == "Ea Ly, ngày 05 tháng 01 năm 2027"


def test_document_date_template_filter():
    rendered = Template("{% load portal %}{{ d|document_date }}").render(
        Context({"d": date(2026, 11, 3)})
    )
    assert rendered == "ngày 03 tháng 11 năm 2026"


def test_quarter_bounds():
    assert quarter_bounds(2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_bounds(2024, 4) == (date(2024, 10, 1), date(2024, 12, 31))
    with pytest.raises(ValueError, match="quarter"):
        quarter_bounds(2026, 5)
