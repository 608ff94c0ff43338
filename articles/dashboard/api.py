"""`GET /api/v1/stats/`: the dashboard's numbers as JSON (CONTRACT.md gives the shape)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.dashboard.period import GROUPINGS, parse_grouping, parse_period
from articles.dashboard.queries import stats_rows


class StatsRowSerializer(serializers.Serializer):
    key = serializers.JSONField(help_text="The day (ISO date), the user id or the outlet.")
    label = serializers.CharField(help_text="What a person reads: the date, username or outlet.")
    segments_edited = serializers.IntegerField(help_text="Saves of a segment's text.")
    segments_approved = serializers.IntegerField(help_text="Segments approved now, by then.")
    words_changed = serializers.IntegerField(help_text="Words the saves changed, in total.")
    seconds = serializers.FloatField(help_text="Seconds the saves took, as editors reported.")
    words_per_segment = serializers.FloatField()
    seconds_per_segment = serializers.FloatField()
    articles_imported = serializers.IntegerField(required=False, help_text="Days and outlets.")
    articles_new = serializers.IntegerField(required=False, help_text="Of those, new now.")
    articles_translated = serializers.IntegerField(required=False)
    articles_in_review = serializers.IntegerField(required=False)
    articles_approved = serializers.IntegerField(required=False)


class StatsSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=GROUPINGS)
    rows = StatsRowSerializer(many=True)


def _query(name: str, kind, description: str, **extra) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description, **extra)


class StatsView(APIView):
    """Edits, approvals and imports for a period, per day, editor or outlet."""

    @extend_schema(
        parameters=[
            _query("from", OpenApiTypes.DATE, "First day (site time zone); none: all time."),
            _query("to", OpenApiTypes.DATE, "Last day, included; none: up to now."),
            _query("by", str, "Grouping: day (default), editor or outlet.", enum=GROUPINGS),
            _query("outlet", str, "Only articles of this outlet."),
        ],
        responses={
            200: StatsSerializer,
            400: OpenApiResponse(description="A bad date, from after to, or an unknown by."),
        },
    )
    def get(self, request):
        try:
            period = parse_period(request.query_params)
            by = parse_grouping(request.query_params)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response(
            {
                "by": by,
                "from": period.start,
                "to": period.end,
                "outlet": period.outlet,
                "rows": stats_rows(period, by),
            }
        )
