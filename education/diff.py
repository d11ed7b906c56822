"""A readable word-by-word comparison of two texts, as HTML with <ins> and <del>."""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old, new):
    """HTML showing how ``old`` became ``new``: removed words in <del>, added ones in <ins>."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


def version_diff(old, new):
    """Field-by-field diff of two versions, for the template."""
    return [
        {"label": label, "html": word_diff(getattr(old, field), getattr(new, field))}
        for field, label in (("title", "Title"), ("summary", "Summary"), ("body_markdown", "Body"))
    ]
