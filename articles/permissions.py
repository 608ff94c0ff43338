"""Who may do what on the desk: the role a user holds and the API permissions built on it.

The roles are the groups a migration creates (viewer, editor, reviewer) plus staff, the desk's
admins. A role is read from the model permissions a user holds, never from group names, so a
permission granted to one user directly counts as much as one granted through a group.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db.models import Q
from rest_framework import permissions

# The articles permissions a role is made of: change_segment edits, change_article approves.
ROLE_CODENAMES = ("change_segment", "change_article")


@dataclass(frozen=True)
class Role:
    """What a user may do to segments: edit text, set edited, approve."""

    can_edit: bool
    can_approve: bool
    is_staff: bool = False

    @classmethod
    def of(cls, user) -> Role:
        """The user's role, worked out with one query and kept on the user for the request."""
        if not user or not user.is_authenticated:
            return cls(can_edit=False, can_approve=False)
        cached = getattr(user, "_newsroom_role", None)
        if cached is not None:
            return cached
        if user.is_superuser or user.is_staff:  # staff are the desk's admins
            granted = set()
        else:
            granted = set(
                Permission.objects.filter(
                    Q(user=user) | Q(group__user=user),
                    content_type__app_label="articles",
                    codename__in=ROLE_CODENAMES,
                ).values_list("codename", flat=True)
            )
        return cls.remember(user, granted)

    @classmethod
    def remember(cls, user, granted: set[str]) -> Role:
        """The role of a user holding the `granted` ones of ROLE_CODENAMES, kept on the user
        for the request (newsroom/authentication.py reads them with the user)."""
        if user.is_superuser or user.is_staff:  # staff are the desk's admins
            role = cls(can_edit=True, can_approve=True, is_staff=True)
        else:
            role = cls(
                can_edit="change_segment" in granted, can_approve="change_article" in granted
            )
        user._newsroom_role = role
        return role

    @property
    def name(self) -> str:
        """The role as the desk names it: staff, reviewer, editor or viewer (the most it allows)."""
        if self.is_staff:
            return "staff"
        if self.can_approve:
            return "reviewer"
        return "editor" if self.can_edit else "viewer"


def can_import(user) -> bool:
    """Importers are staff and whoever holds the 'add import batch' permission."""
    return user.is_staff or user.has_perm("articles.add_importbatch")


class IsEditorOrReadOnly(permissions.BasePermission):
    """Everyone signed in reads; editors, reviewers and staff write (segments, tags, MT)."""

    message = "Viewers can read but not change this: ask for the editor role."

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or Role.of(request.user).can_edit


class IsReviewerOrReadOnly(permissions.BasePermission):
    """Everyone signed in reads; reviewers and staff decide (dismissing a quality check)."""

    message = "Only reviewers and staff may do this: ask for the reviewer role."

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or Role.of(request.user).can_approve


class CanCurate(permissions.BasePermission):
    """Editors add entities (from the tagging popup); changing or deleting one is for reviewers
    and staff, since every article's tags point at it."""

    message = "Changing the knowledge base needs the reviewer role or staff status."

    def has_permission(self, request, view) -> bool:
        role = Role.of(request.user)
        if request.method in permissions.SAFE_METHODS:
            return True
        if request.method == "POST":
            return role.can_edit
        return role.can_approve


class CanImport(permissions.BasePermission):
    """Import batches are for importers and staff: their file names, uploaders and error texts
    are not for every reader of articles."""

    message = (
        "Import batches are for importers: ask for staff status or the 'add import batch' "
        "permission."
    )

    def has_permission(self, request, view) -> bool:
        if can_import(request.user):
            return True
        return request.method in permissions.SAFE_METHODS and request.user.has_perm(
            "articles.view_importbatch"
        )
