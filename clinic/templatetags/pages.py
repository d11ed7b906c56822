from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, number):
    """The current query string with ``page`` set to ``number``: a page link keeps the filters."""
    query = context["request"].GET.copy()
    query["page"] = number
    return query.urlencode()
