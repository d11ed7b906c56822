from django import template

from clinic.paging import MARKERS, KeysetPage

register = template.Library()


@register.simple_tag(takes_context=True)
def page_link(context, page, direction):
    """The current query string pointing at the ``"next"``, ``"previous"`` or ``"first"`` page
    of ``page`` (a keyset page, or a page of Django's paginator): the filters stay, the old
    page marker goes."""
    query = context["request"].GET.copy()
    for name in MARKERS:
        query.pop(name, None)
    if isinstance(page, KeysetPage):
        query.update(page.link(direction))
    elif direction == "next":
        query["page"] = page.next_page_number()
    elif direction == "previous":
        query["page"] = page.previous_page_number()
    return query.urlencode()
