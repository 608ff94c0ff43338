"""REST actions on one segment for fuzzy matches and propagation (articles.matches,
articles.propagation), mixed into the segment viewset."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from articles.editing import EditRefused, StaleVersion
from articles.etags import IF_MATCH, MAX_VERSION, expected_version
from articles.matches import MIN_SIMILARITY, find_matches
from articles.models import Segment
from articles.propagation import MAX_TARGETS, propagate, propagation_targets


class DiffChunkSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "delete", "insert"])
    text = serializers.CharField()


class MatchSerializer(serializers.Serializer):
    segment_id = serializers.IntegerField()
    source_text = serializers.CharField()
    target_text = serializers.CharField()
    similarity = serializers.FloatField(
        help_text="0–1, on the folded Persian sources (ZWNJ/space, ي/ی, ك/ک and digit "
        f"spellings count as equal); matches under {MIN_SIMILARITY:.0%} are not listed."
    )
    percent = serializers.IntegerField(help_text="The similarity in percent, 0–100.")
    source_diff = DiffChunkSerializer(
        many=True,
        help_text="Word chunks turning this segment's source into the match's: `delete` words "
        "are only in this segment, `insert` words only in the match.",
    )


class TargetSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION)


class OfferTargetSerializer(TargetSerializer):
    article = serializers.IntegerField()


class OfferSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    target_text = serializers.CharField(help_text="The translation that would be applied.")
    segments = OfferTargetSerializer(many=True)


class PropagateSerializer(serializers.Serializer):
    segments = TargetSerializer(
        many=True,
        max_length=MAX_TARGETS,
        help_text="The rows to write, each with the version it was offered at.",
    )


class PropagatedSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())
    skipped = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Rows left alone: changed since offered, or no longer machine output.",
    )


class SegmentMatchesMixin:
    """`matches/` and `propagate/` on a segment (a segment viewset supplies get_object)."""

    @extend_schema(
        responses=MatchSerializer(many=True),
        description=(
            "Up to 3 segments already edited or approved (any article, never this segment) "
            "whose folded Persian source is most like this one's, best first, at least "
            f"{MIN_SIMILARITY:.0%} similar. Readable by whoever may read the segment."
        ),
    )
    @action(detail=True, pagination_class=None, filter_backends=[])
    def matches(self, request, pk=None):
        segment = self.get_object()
        found = find_matches(segment)
        return Response(
            MatchSerializer(
                [
                    {
                        "segment_id": match.segment_id,
                        "source_text": match.source_text,
                        "target_text": match.target_text,
                        "similarity": match.similarity,
                        "percent": match.percent,
                        "source_diff": [chunk._asdict() for chunk in match.source_diff],
                    }
                    for match in found
                ],
                many=True,
            ).data
        )

    @extend_schema(
        methods=["GET"],
        responses=OfferSerializer,
        description=(
            "The other segments with the same folded source still in status machine, to which "
            "this segment's (edited or approved) translation can be applied, each with its "
            "version: send them back to POST."
        ),
    )
    @extend_schema(
        methods=["POST"],
        request=PropagateSerializer,
        parameters=[IF_MATCH],
        responses={
            200: PropagatedSerializer,
            403: OpenApiResponse(description="Viewers may not write."),
            412: OpenApiResponse(description="This segment changed since you read it."),
            428: OpenApiResponse(description="If-Match is missing."),
        },
        description=(
            "Write this segment's translation to the listed rows as `tm` revisions. A row is "
            "skipped when it is no longer at the version sent or no longer machine output."
        ),
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def propagate(self, request, pk=None):

        segment = self.get_object()
        if request.method == "GET":
            targets = propagation_targets(segment)
            return Response(
                OfferSerializer(
                    {
                        "count": len(targets),
                        "target_text": segment.target_text,
                        "segments": [vars(target) for target in targets],
                    }
                ).data
            )
        version = expected_version(request)
        body = PropagateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        targets = {item["id"]: item["version"] for item in body.validated_data["segments"]}
        try:
            done = propagate(
                segment_id=segment.pk, expected_version=version, targets=targets, user=request.user
            )
        except Segment.DoesNotExist:
            raise NotFound("No such segment.") from None
        except EditRefused as error:
            raise PermissionDenied(str(error)) from None
        except StaleVersion as conflict:
            response = Response(
                {
                    "detail": (
                        f"The segment changed since you read it: it is now at version "
                        f"{conflict.current.version}. Nothing was applied; read it again."
                    ),
                    "current": self.get_serializer(conflict.current).data,
                },
                status=status.HTTP_412_PRECONDITION_FAILED,
            )
            response["ETag"] = conflict.current.etag
            return response
        return Response(
            PropagatedSerializer(
                {"count": len(done.ids), "ids": done.ids, "skipped": done.skipped}
            ).data
        )
