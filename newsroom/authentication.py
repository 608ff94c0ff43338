"""API tokens, read with their user's role in one statement.

Every request signed with a token reads the token's user, and every write then needs the user's
role (articles.permissions.Role): two round trips and two compiled queries on the path of each
save. Here one hand-written statement returns the user with the role's permissions.
"""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from articles.permissions import ROLE_CODENAMES, Role
from articles.rows import columns, read


@cache
def _user_with_role_sql() -> str:
    user = get_user_model()
    users, tokens = user._meta.db_table, Token._meta.db_table
    permissions, types = Permission._meta.db_table, ContentType._meta.db_table
    direct = user._meta.get_field("user_permissions").remote_field.through._meta.db_table
    member = user._meta.get_field("groups").remote_field.through._meta.db_table
    granted = Group._meta.get_field("permissions").remote_field.through._meta.db_table

    def holds(codename: str) -> str:
        return f"""EXISTS (
            SELECT 1 FROM {permissions} p JOIN {types} ct ON ct.id = p.content_type_id
            WHERE ct.app_label = 'articles' AND p.codename = '{codename}' AND (
                p.id IN (SELECT permission_id FROM {direct} WHERE user_id = u.id)
                OR p.id IN (
                    SELECT gp.permission_id FROM {granted} gp
                    JOIN {member} ug ON ug.group_id = gp.group_id WHERE ug.user_id = u.id)))"""

    held = ", ".join(f"{holds(codename)} AS holds_{codename}" for codename in ROLE_CODENAMES)
    return (
        f"SELECT {columns(user, 'u')}, {held} FROM {users} u "
        f"JOIN {tokens} t ON t.user_id = u.id WHERE t.key = %s"
    )


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's `Authorization: Token <key>`, answered by one query that also reads the role."""

    def authenticate_credentials(self, key: str):
        # Keys are letters and digits (40 hex digits as DRF makes them): anything else, a NUL
        # byte that the database would refuse to compare included, matches no token.
        if not (key.isascii() and key.isalnum()):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = next(iter(read(get_user_model(), _user_with_role_sql(), [key])), None)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        Role.remember(
            user,
            {codename for codename in ROLE_CODENAMES if getattr(user, f"holds_{codename}")},
        )
        return user, Token(key=key, user=user)
