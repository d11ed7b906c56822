"""Filters for the article page's contact box."""

import re

from django import template

register = template.Library()


@register.filter
def tel_href(phone):
    """A phone number as a ``tel:`` address: its digits, and a leading ``+``."""
    phone = str(phone or "").strip()
    digits = re.sub(r"\D", "", phone)
    return f"+{digits}" if phone.startswith("+") else digits


@register.filter
def address_lines(address):
    """An address given on one line (an environment variable) as lines: split at ";" or
    newlines."""
    lines = re.split(r"\s*(?:;|\n|\\n)\s*", str(address or "").strip())
    return "\n".join(line for line in lines if line)
