"""`/api/v1/segments/{id}/dismissals/`: the checks a reviewer dismissed on a segment, with who
and when; a POST dismisses a failing check, a DELETE takes the dismissal back."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.models import CheckDismissal, Segment
from articles.permissions import IsReviewerOrReadOnly
from articles.quality.dismissals import DismissalError, dismiss, restore


class DismissalSerializer(serializers.ModelSerializer):
    check = serializers.CharField(source="check_name", max_length=40)
    dismissed_by = serializers.SlugRelatedField(read_only=True, slug_field="username")

    class Meta:
        model = CheckDismissal
        fields = ("check", "target_text", "dismissed_by", "dismissed_at")
        read_only_fields = ("target_text", "dismissed_by", "dismissed_at")


class _SegmentDismissals(APIView):
    permission_classes = (permissions.IsAuthenticated, IsReviewerOrReadOnly)

    def segment(self, segment_id: int) -> Segment:
        return get_object_or_404(Segment.objects.only("pk"), pk=segment_id)


class DismissalListView(_SegmentDismissals):
    @extend_schema(responses={200: DismissalSerializer(many=True)})
    def get(self, request, segment_id: int):
        segment = self.segment(segment_id)
        rows = segment.dismissals.select_related("dismissed_by").order_by("check_name")
        return Response(DismissalSerializer(rows, many=True).data)

    @extend_schema(
        request=DismissalSerializer,
        responses={
            201: DismissalSerializer,
            400: OpenApiResponse(description="Unknown check, or the check does not fail here."),
            403: OpenApiResponse(description="Only reviewers dismiss checks."),
        },
    )
    def post(self, request, segment_id: int):
        segment = self.segment(segment_id)
        body = DismissalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            dismissal = dismiss(
                segment_id=segment.pk, check=body.validated_data["check_name"], user=request.user
            )
        except DismissalError as error:
            raise ValidationError({"check": [str(error)]}) from None
        return Response(DismissalSerializer(dismissal).data, status=status.HTTP_201_CREATED)


class DismissalDetailView(_SegmentDismissals):
    @extend_schema(responses={204: None, 404: OpenApiResponse(description="No such dismissal.")})
    def delete(self, request, segment_id: int, check: str):
        segment = self.segment(segment_id)
        if not restore(segment_id=segment.pk, check=check):
            return Response(
                {"detail": f"The {check} check is not dismissed on this segment."},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
