"""The thread beside a review row, the list of one's mentions, and the header's unread count."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse

from articles.comments.models import EDIT_WINDOW, Comment, Notification
from articles.comments.serializers import known_usernames, thread_url
from articles.comments.text import comment_html
from articles.models import Segment
from articles.permissions import Role


def _thread_context(request: HttpRequest, segment: Segment) -> dict:
    comments = list(Comment.objects.filter(segment=segment).select_related("author", "resolved_by"))
    known = known_usernames(comments)
    user = request.user
    items = [
        {
            "comment": comment,
            "html": comment_html(comment.text, known_users=known),
            "url": reverse("comment-detail", args=[comment.pk]),
            "own": comment.author_id == user.pk,
        }
        for comment in comments
    ]
    open_count = sum(1 for comment in comments if comment.resolved_at is None)
    return {
        "segment": segment,
        "items": items,
        "open_count": open_count,
        "resolved": bool(comments) and not open_count,
        "last_url": items[-1]["url"] if items else "",
        "post_url": reverse("segment-comments", args=[segment.pk]),
        "can_resolve": Role.of(user).can_edit,
        "edit_minutes": int(EDIT_WINDOW.total_seconds() // 60),
    }


def render_thread(request: HttpRequest, segment: Segment, *, status: int = 200) -> HttpResponse:
    """The thread as HTML (the API's answer to htmx), with the row's comment count updated."""
    context = _thread_context(request, segment)
    response = TemplateResponse(request, "articles/comments.html#thread", context, status=status)
    return response.render()


@login_required
def segment_thread(request: HttpRequest, pk: int) -> HttpResponse:
    return render_thread(request, get_object_or_404(Segment, pk=pk))


@login_required
def notifications_page(request: HttpRequest) -> HttpResponse:
    """The user's mentions, unread first; `?all=1` keeps the read ones too."""
    everything = request.GET.get("all") == "1"
    mine = Notification.objects.filter(user=request.user).select_related(
        "comment__author", "comment__segment__article"
    )
    if not everything:
        mine = mine.filter(read_at__isnull=True)
    notifications = list(mine.order_by("read_at", "-created_at", "-id")[:200])
    known = known_usernames([n.comment for n in notifications])
    context = {
        "notifications": [
            {
                "notification": n,
                "html": comment_html(n.comment.text, known_users=known),
                "url": thread_url(n.comment.segment),
                "api_url": reverse("notification-detail", args=[n.pk]),
            }
            for n in notifications
        ],
        "everything": everything,
    }
    return render(request, "articles/notifications.html", context)


def unread_mentions(request: HttpRequest) -> dict:
    """The header's count of unread mentions, counted only when a page shows it."""

    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    return {"unread_mentions": count}
