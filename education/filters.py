"""The library's and the editors' article list filters (django-filter)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from education.models import Article, Topic


class LibraryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=100)
    topic = django_filters.ChoiceFilter(
        label=_("Topic"), choices=Topic.choices, empty_label=_("All topics")
    )

    class Meta:
        model = Article
        fields = []

    def search(self, queryset, name, value):
        return queryset.search(value)


class ManageArticleFilter(django_filters.FilterSet):
    """``?overdue=1``: only the published articles whose clinical review is overdue."""

    overdue = django_filters.CharFilter(method="review_overdue")

    class Meta:
        model = Article
        fields = []

    def review_overdue(self, queryset, name, value):
        return queryset.review_overdue()
