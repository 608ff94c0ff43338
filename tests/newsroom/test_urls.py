"""Every route that takes an id answers 404 for anything that is not one, never a server error."""

import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOT_IDS = [
    "null,null",
    "abc",
    "-1",
    "1.5",
    "1e3",
    "0x10",
    "١٢",  # Arabic-Indic digits: a number to a reader, not an id
    "99999999999999999999999",
    "9223372036854775808",  # one past the largest 64-bit id
]
# Ids of the right shape that name no row: the view itself must answer 404.
MISSING_IDS = ["0", "2147483648", "9223372036854775807"]

# `<int:pk>` in a route; `(?P<pk>[^/.]+)` in a regular expression (with `\.` for a dot).
_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, pattern)
        else:
            yield pattern


def routes_with_an_id() -> list[str]:
    """Every route of the project (the admin's own excepted) with one id in it, as a template."""
    found = set()
    for pattern in _patterns(get_resolver()):
        if pattern.startswith("admin/"):
            continue  # the admin is Django's own
        names = {a or b for a, b in _PARAMETER.findall(pattern)}
        if "pk" in names:
            # Format-suffix variants (`/articles/1.json`) are routes too.
            route = _PARAMETER.sub(lambda m: "{}" if "pk" in m.groups() else "json", pattern)
            found.add("/" + route.replace("\\.", ".").replace("/?", "/"))
    return sorted(found)


ROUTES = routes_with_an_id()


def test_the_walk_finds_the_routes_it_is_meant_to_guard():
    for route in (
        "/api/v1/articles/{}/translate/",
        "/api/v1/articles/{}/export/",
        "/api/v1/segments/{}/revisions/",
        "/api/v1/imports/{}/",
        "/api/v1/mentions/{}/",
        "/articles/{}/",
    ):
        assert route in ROUTES


@pytest.fixture
def staff() -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("route", ROUTES)
def test_a_value_that_is_not_an_id_is_404_on_every_route(staff, route):
    answers = {}
    for value in NOT_IDS:
        for method in ("get", "post"):
            answers[(method, value)] = getattr(staff, method)(route.format(value)).status_code
    assert answers == dict.fromkeys(answers, 404)


@pytest.mark.parametrize("route", ROUTES)
def test_an_id_that_names_nothing_is_404_or_refused_never_500(staff, route):
    for value in MISSING_IDS:
        for method in ("get", "post", "patch", "delete"):
            status = getattr(staff, method)(
                route.format(value),
                {"target_text": "x"},
                content_type="application/json",
                HTTP_IF_MATCH='"1"',
            ).status_code
            # 405: the route does not take that method, which is said before any lookup.
            assert status in (404, 405), (method, value, status)


def test_without_credentials_the_api_says_so_before_looking_anything_up():
    anonymous = Client(raise_request_exception=False)
    for route in ROUTES:
        if route.startswith("/api/"):
            for value in ("null,null", "9223372036854775807"):
                assert anonymous.get(route.format(value)).status_code in (401, 403, 404), route
