"""``{% submission_token_field %}``: the hidden one-time token of a create form."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from atvsld_portal.submissions import TOKEN_FIELD, token_for_form

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_token_field(context: template.Context) -> str:
    """Put inside a create form, next to ``{% csrf_token %}``; see atvsld_portal.submissions."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">',
        TOKEN_FIELD,
        token_for_form(context.get("request")),
    )
