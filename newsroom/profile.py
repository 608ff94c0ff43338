"""The profile page: who the user is, their role, and the API token they manage themselves."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from articles.permissions import Role

# The full key is shown on the page that follows its creation, then never again.
NEW_TOKEN_SESSION_KEY = "newsroom_new_api_token"


def masked(key: str) -> str:
    return "•" * (len(key) - 4) + key[-4:]


@transaction.atomic
def issue_token(*, user: AbstractBaseUser) -> Token:
    """A new API token for the user; any previous token stops working."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def revoke_token(*, user: AbstractBaseUser) -> bool:
    """Delete the user's API token; False when there was none."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


@never_cache
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action in {"create", "regenerate"}:
            request.session[NEW_TOKEN_SESSION_KEY] = issue_token(user=request.user).key
        elif action == "revoke":
            revoke_token(user=request.user)
            request.session.pop(NEW_TOKEN_SESSION_KEY, None)
        else:
            return HttpResponse(
                "Unknown action: use the Create, Regenerate or Revoke button.", status=400
            )
        return redirect("profile")

    token = Token.objects.filter(user=request.user).first()
    new_key = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    context = {
        "role": Role.of(request.user).name,
        "token": token,
        "new_key": new_key if token and new_key == token.key else None,
        "masked_key": masked(token.key) if token else "",
    }
    return render(request, "registration/profile.html", context)
