"""Markdown to safe HTML. Editors type Markdown (and may paste anything); only an allow-list of
tags and attributes survives, so no script, event handler, style, iframe or ``javascript:`` link
reaches a patient's browser.

The HTML is sanitised twice: once when a version is saved (the stored ``body_html``), and again,
last, when a page shows it, after the live figures are filled in (``figures.render_figure_tokens``):
what the browser gets has been through the sanitiser after every change made to it.

Callouts use Python-Markdown's admonition syntax, a line ``!!! urgent "Get help now"`` followed
by the indented text. ``urgent`` (red-flag symptoms: when to get help at once) and ``note`` keep
their class and are styled as alerts; any other kind is an unstyled box."""

import re

import markdown
import nh3
from django.utils.text import slugify

ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div",
    "ul", "ol", "li", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "a", "abbr",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# nh3 leaves class="" where it removed every class; the attribute goes too.
EMPTY_CLASS = re.compile(r'(<[a-z][a-z0-9]*\b[^<>]*?) class=""')
# The only classes an editor's text keeps: the callouts' (the page adds its own, later).
CALLOUT_KINDS = ("urgent", "note")
CALLOUT_CLASSES = {"div": {"admonition", *CALLOUT_KINDS}, "p": {"admonition-title"}}
# Heading ids get this prefix so they cannot clobber the page's own element ids.
ID_PREFIX = "section-"


def _slugify(value, separator):
    return ID_PREFIX + (slugify(value) or "part")


def render_markdown(text):
    """Return ``(html, toc)`` for Markdown ``text``: sanitised HTML and the table of contents as
    a list of ``{"id", "name", "level"}`` for headings of level 2 and 3."""
    md = markdown.Markdown(
        extensions=["tables", "sane_lists", "toc", "admonition"],
        extension_configs={"toc": {"slugify": _slugify, "toc_depth": "2-3"}},
        output_format="html",
    )
    raw = md.convert(text or "")
    html = sanitise(raw, allowed_classes=CALLOUT_CLASSES)
    toc = []

    def walk(tokens):
        for token in tokens:
            if token["level"] in (2, 3):
                toc.append({"id": token["id"], "name": token["name"], "level": token["level"]})
            walk(token.get("children", []))

    walk(md.toc_tokens)
    return html, toc


def sanitise(html, *, allowed_classes=None):
    """``html`` cut down to the allow-list; ``allowed_classes`` (``{tag: {class}}``) keeps the
    callouts' classes and the page's own ones, which the Markdown never gets."""
    # A top-level "# heading" in the body would compete with the page title: render it as h2.
    html = html.replace("<h1", "<h2").replace("</h1>", "</h2>")
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "svg", "math"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        id_prefix=ID_PREFIX,
        allowed_classes=allowed_classes,
    )
    return EMPTY_CLASS.sub(r"\1", html) if allowed_classes else html
