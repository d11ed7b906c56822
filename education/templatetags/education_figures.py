from django import template

from education import figures

register = template.Library()


@register.filter
def live_figures(body_html, language=None):
    """An article body with its ``[[figure:key]]`` paragraphs filled in now (or left out), in
    the article's ``language``."""
    return figures.render_figure_tokens(body_html, language)
