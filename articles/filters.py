import django_filters
from django.core.validators import RegexValidator
from django.db.models import F, QuerySet
from django.utils import timezone

from articles.models import Article, ArticleStatus, Segment


class ArticleFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(label, label.replace("_", " ")) for _, label in ArticleStatus.choices],
        method="filter_status",
    )
    q = django_filters.CharFilter(method="filter_q", label="Search source and target text")
    tag = django_filters.CharFilter(field_name="tags__name", label="Tag name")
    entity = django_filters.NumberFilter(
        method="filter_entity", label="Knowledge-base entity id tagged in the article"
    )
    batch = django_filters.NumberFilter(
        method="filter_batch", label="Import batch id: the articles that import created or updated"
    )
    checks = django_filters.ChoiceFilter(
        choices=[("failing", "with failing checks"), ("passing", "no failing checks")],
        method="filter_checks",
        label="Quality checks",
    )
    assignee = django_filters.CharFilter(
        method="filter_assignee",
        label="Assigned to: me, none (unassigned) or a user id",
        validators=[
            RegexValidator(r"^(?i:me|none|[1-9][0-9]{0,17})$", "Use me, none or a user id.")
        ],
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label="Past the due time and not approved"
    )

    class Meta:
        model = Article
        fields = (
            "status", "q", "tag", "entity", "batch", "checks", "source_language", "assignee",
            "overdue",
        )  # fmt: skip

    def filter_assignee(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip().lower()
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value == "me":
            user = getattr(self.request, "user", None)
            if user is None or not user.is_authenticated:
                return queryset.none()
            return queryset.filter(assignee=user.pk)
        return queryset.filter(assignee=int(value))

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        overdue = queryset.overdue(timezone.now())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        number = next(num for num, label in ArticleStatus.choices if label == value)
        return queryset.filter(status=number)

    def filter_entity(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        if not 0 < value < 2**63:
            return queryset.none()  # no row has such an id; the database would refuse it
        tagged = Segment.objects.filter(mentions__entity=value).values("article_id")
        return queryset.filter(pk__in=tagged)

    def filter_batch(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        if not 0 < value < 2**63:
            return queryset.none()
        return queryset.filter(import_batch=value)

    def filter_checks(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        failing = Segment.objects.filter(failing_checks__gt=0).values("article_id")
        if value == "failing":
            return queryset.filter(pk__in=failing)
        return queryset.exclude(pk__in=failing)

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.search(value.strip()) if value.strip() else queryset


class SegmentFilter(django_filters.FilterSet):
    checks = django_filters.ChoiceFilter(
        choices=[("failing", "with failing checks"), ("passing", "no failing checks")],
        method="filter_checks",
        label="Quality checks",
    )
    confidence_below = django_filters.NumberFilter(
        field_name="mt_confidence",
        lookup_expr="lt",
        label="Only machine translations the model scored below this confidence (0–1)",
    )
    order = django_filters.ChoiceFilter(
        choices=[
            ("position", "article, then position"),
            ("confidence", "least confident first (no score last)"),
            ("checks", "most failing checks first"),
        ],
        method="filter_order",
        label="Order",
    )

    class Meta:
        model = Segment
        fields = ("article", "kind", "checks", "confidence_below", "order")

    def filter_checks(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "failing":
            return queryset.filter(failing_checks__gt=0)
        return queryset.filter(failing_checks=0)

    def filter_order(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*SEGMENT_ORDERS[value])


SEGMENT_ORDERS = {
    "position": ("article_id", "position"),
    "confidence": (F("mt_confidence").asc(nulls_last=True), "article_id", "position"),
    "checks": ("-failing_checks", "article_id", "position"),
}
