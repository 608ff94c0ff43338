"""Hardening: the Content-Security-Policy, login lockout, API throttling and the token page."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.db.models import F
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from tests.factories import SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(UserFactory(groups=["editor"]))
    return client


@pytest.fixture
def segment():
    return SegmentFactory()


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, <style> blocks, style= and on*=."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.found.append(self.get_starttag_text())
        if tag == "style":
            self.found.append("<style>")
        self.found += [
            f"{tag} {name}=" for name in names if name == "style" or name.startswith("on")
        ]


def _pages(segment) -> list[str]:
    return [
        "/articles/",
        f"/articles/{segment.article_id}/",
        "/entities/",
        "/accounts/profile/",
    ]


def test_every_page_sends_a_strict_policy(editor_client, segment):
    for path in [*_pages(segment), "/accounts/login/"]:
        client = Client() if path == "/accounts/login/" else editor_client
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy, path
        assert "unsafe" not in policy, path
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_no_page_has_inline_script_or_style(editor_client, segment):
    for path in [*_pages(segment), "/accounts/login/"]:
        client = Client() if path == "/accounts/login/" else editor_client
        parser = InlineCode()
        parser.feed(client.get(path).content.decode())
        assert parser.found == [], path


def test_api_docs_relax_styles_only(editor_client):
    page = editor_client.get("/api/docs/")
    policy = page["Content-Security-Policy"]
    assert "script-src 'self';" in policy + ";"
    assert "style-src 'self' 'unsafe-inline'" in policy
    parser = InlineCode()
    parser.feed(page.content.decode())
    assert parser.found == ["<style>"]
    script = editor_client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_admin_import_page_has_no_inline_style(staff_user):
    client = Client()
    client.force_login(staff_user)
    page = client.get("/admin/articles/importbatch/add/")
    parser = InlineCode()
    parser.feed(page.content.decode())
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert parser.found == []


def _login(password: str, *, username: str, address: str = "127.0.0.1"):
    return Client(REMOTE_ADDR=address).post(
        "/accounts/login/", {"username": username, "password": password}
    )


def test_five_wrong_passwords_lock_the_account_for_15_minutes():
    user = UserFactory(groups=["editor"])
    for _ in range(4):
        assert _login("wrong", username=user.username).status_code == 200
    locked = _login("wrong", username=user.username)
    assert locked.status_code == 429

    refused = _login(PASSWORD, username=user.username)
    assert refused.status_code == 429
    assert "_auth_user_id" not in refused.wsgi_request.session
    text = refused.content.decode()
    assert "Too many failed logins" in text and "15 minutes" in text
    assert "script-src 'self'" in refused["Content-Security-Policy"]

    # Lockout is per username and address: the same user elsewhere is not locked out.
    assert _login(PASSWORD, username=user.username, address="10.0.0.2").status_code == 302

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert _login(PASSWORD, username=user.username).status_code == 302


def test_a_successful_login_before_the_limit_clears_the_failures():
    user = UserFactory()
    for _ in range(4):
        _login("wrong", username=user.username)
    assert _login(PASSWORD, username=user.username).status_code == 302
    for _ in range(4):
        _login("wrong", username=user.username)
    assert _login(PASSWORD, username=user.username).status_code == 302


@pytest.fixture
def low_rates(monkeypatch):
    """DRF reads the rates into the throttle classes at import; patch them there."""
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute"})
    cache.clear()
    yield
    cache.clear()


class OpenView(APIView):
    """An endpoint anyone may call: DRF checks permissions before throttles, so only such views
    reach the anonymous throttle (the project's API answers anonymous clients 401 first)."""

    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"ok": True})


def test_anonymous_requests_beyond_the_rate_get_429(low_rates):
    factory = APIRequestFactory()
    view = OpenView.as_view()
    codes = [view(factory.get("/open/")).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_api_requests_beyond_the_user_rate_get_429(low_rates):
    token = Token.objects.create(user=UserFactory(groups=["viewer"]))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    codes = [client.get("/api/v1/articles/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Retry-After" in client.get("/api/v1/articles/")


def test_profile_creates_shows_once_and_revokes_a_token():
    user = UserFactory(groups=["editor"])
    client = Client()
    client.force_login(user)
    page = client.get("/accounts/profile/").content.decode()
    assert user.username in page and "editor" in page and "Create token" in page

    assert client.post("/accounts/profile/", {"action": "create"}).status_code == 302
    key = Token.objects.get(user=user).key
    first = client.get("/accounts/profile/").content.decode()
    assert key in first
    later = client.get("/accounts/profile/").content.decode()
    assert key not in later and key[-4:] in later and "Revoke token" in later

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/articles/").status_code == 200

    client.post("/accounts/profile/", {"action": "regenerate"})
    new_key = Token.objects.get(user=user).key
    assert new_key != key and new_key in client.get("/accounts/profile/").content.decode()
    assert api.get("/api/v1/articles/").status_code == 401

    client.post("/accounts/profile/", {"action": "revoke"})
    assert not Token.objects.filter(user=user).exists()
    api.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
    assert api.get("/api/v1/articles/").status_code == 401
    assert "Create token" in client.get("/accounts/profile/").content.decode()


def test_profile_forms_need_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    client.force_login(user)
    assert client.post("/accounts/profile/", {"action": "create"}).status_code == 403
    assert not Token.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("groups", "flags", "role"),
    [
        (["viewer"], {}, "viewer"),
        (["editor"], {}, "editor"),
        (["viewer", "reviewer"], {}, "reviewer"),
        ([], {"is_staff": True}, "staff"),
    ],
)
def test_profile_names_the_role(groups, flags, role):
    client = Client()
    client.force_login(UserFactory(groups=groups, **flags))
    text = client.get("/accounts/profile/").content.decode()
    assert f'<dd class="role">{role}</dd>' in text


def test_profile_needs_a_login():
    response = Client().get("/accounts/profile/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_markup_in_a_title_is_text_in_the_admin(db):
    from django.test import Client

    from tests.factories import ArticleFactory, UserFactory

    article = ArticleFactory(title="<img src=x onerror=alert(1)>")
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    for url in ("/admin/articles/article/", f"/admin/articles/article/{article.pk}/change/"):
        page = client.get(url).content.decode()
        assert "<img src=x onerror" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
