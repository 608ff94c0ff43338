"""Who is on which article: the assignee who corrects it, the reviewer who approves it, and
when it is due. One rule for the REST API, the list page's bulk action and the review page."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.utils import timezone

from articles.models import Article
from articles.permissions import Role

# Marks a field the request did not send: "not given" is not "set to nobody".
UNSET = object()


class AssignmentRefused(Exception):
    """The user may not change this assignment (a 403)."""


class InvalidAssignment(Exception):
    """A value is wrong; `errors` names the fields (a 400)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def desk_members() -> QuerySet:
    """Active users who may be assigned: editors, reviewers and staff, by name."""
    can_edit = Permission.objects.filter(
        content_type__app_label="articles", codename="change_segment"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_staff=True)
            | Q(is_superuser=True)
            | Q(groups__permissions__in=can_edit)
            | Q(user_permissions__in=can_edit)
        )
        .distinct()
        .order_by("username")
    )


def _user(field: str, user_id: int | None, *, must: str, errors: dict[str, str]):
    if user_id is None:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        errors[field] = f"No active user has the id {user_id}."
        return None
    role = Role.of(user)
    if must == "edit" and not role.can_edit:
        errors[field] = (
            f"{user.get_username()} is a viewer: only editors, reviewers and staff can be assigned."
        )
    if must == "approve" and not role.can_approve:
        errors[field] = (
            f"{user.get_username()} cannot approve: the reviewer must be a reviewer or staff."
        )
    return user


def check_changes(
    *, user, articles: list[Article], assignee=UNSET, reviewer=UNSET, due_at=UNSET
) -> dict:
    """The fields to write, checked: who may make the change, and that the values are fit."""
    role = Role.of(user)
    if not role.can_approve:
        taking = (
            role.can_edit
            and reviewer is UNSET
            and due_at is UNSET
            and assignee in (user.pk, None)
            and all(a.assignee_id in (None, user.pk) for a in articles)
        )
        if not taking:
            raise AssignmentRefused(
                "Only reviewers and staff assign articles; an editor may take an unassigned "
                "article for themselves (send only your own id as assignee) or give one back."
            )
    errors: dict[str, str] = {}
    changes: dict = {}
    if assignee is not UNSET:
        changes["assignee"] = _user("assignee", assignee, must="edit", errors=errors)
    if reviewer is not UNSET:
        changes["reviewer"] = _user("reviewer", reviewer, must="approve", errors=errors)
    if due_at is not UNSET:
        _check_due(due_at, articles, errors)
        changes["due_at"] = due_at
    if errors:
        raise InvalidAssignment(errors)
    return changes


def _check_due(due_at: datetime | None, articles: list[Article], errors: dict[str, str]) -> None:
    """A due time set anew must lie ahead; one kept as it was may since have passed."""
    if due_at is None:
        return
    if timezone.is_naive(due_at):
        errors["due_at"] = "Give the due time with its time zone (e.g. 2026-05-01T17:00:00+03:30)."
    elif due_at <= timezone.now() and any(a.due_at != due_at for a in articles):
        errors["due_at"] = "The due time has already passed: choose a time in the future."


def assign(*, user, articles: list[Article], **values) -> int:
    """Apply an assignment to the articles; how many were changed."""
    changes = check_changes(user=user, articles=articles, **values)
    if not changes:
        return 0
    ids = [article.pk for article in articles]
    updated = Article.objects.filter(pk__in=ids).update(**changes, updated_at=timezone.now())
    for article in articles:
        for name, value in changes.items():
            setattr(article, name, value)
    return updated
