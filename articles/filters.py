import django_filters
from django.db.models import QuerySet

from articles.models import Article, ArticleStatus, Segment


class ArticleFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(label, label) for _, label in ArticleStatus.choices], method="filter_status"
    )
    q = django_filters.CharFilter(method="filter_q", label="Search source and target text")
    tag = django_filters.CharFilter(field_name="tags__name", label="Tag name")

    class Meta:
        model = Article
        fields = ("status", "q", "tag", "source_language")

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        number = next(num for num, label in ArticleStatus.choices if label == value)
        return queryset.filter(status=number)

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.search(value.strip()) if value.strip() else queryset


class SegmentFilter(django_filters.FilterSet):
    class Meta:
        model = Segment
        fields = ("article", "kind")
