"""The PostgreSQL backend's health check (newsroom/postgresql): between two requests, a persistent
connection the server dropped is replaced before the next request's first query, and a live one
is kept without asking the server anything."""

from __future__ import annotations

import select
from unittest import mock

import pytest
from django.db import connection

from articles.models import Article

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
    pytest.mark.django_db(transaction=True),
]


def _end_of_request() -> None:
    """What Django does once a request is answered: the connection stays (CONN_MAX_AGE) and the
    next request's first query checks it again."""
    connection.close_if_unusable_or_obsolete()


def _from_another_connection(statement: str, params: list) -> None:
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.execute(statement, params)
        other.commit()
    finally:
        other.close()


def _wait_for_a_message(kept) -> None:
    waiting = select.poll()
    waiting.register(kept.fileno(), select.POLLIN)
    assert waiting.poll(5000), "the server sent nothing within 5 s"


def test_a_connection_the_server_dropped_is_replaced_before_the_next_request():
    assert Article.objects.count() == 0
    _end_of_request()
    dropped = connection.connection
    assert dropped is not None  # kept between requests, as in production

    _from_another_connection("SELECT pg_terminate_backend(%s)", [dropped.info.backend_pid])
    _wait_for_a_message(dropped)

    # The next request's first query: answered, on a new connection.
    assert Article.objects.count() == 0
    assert connection.connection is not dropped


def test_a_live_connection_is_kept_without_a_query():
    assert Article.objects.count() == 0
    _end_of_request()
    kept = connection.connection

    with mock.patch.object(type(kept), "cursor", side_effect=AssertionError("asked the server")):
        connection.close_if_health_check_failed()

    assert connection.connection is kept
    assert Article.objects.count() == 0


def test_a_harmless_message_is_read_and_the_connection_kept():
    with connection.cursor() as cursor:
        cursor.execute("LISTEN newsroom_test")
    _end_of_request()
    kept = connection.connection

    _from_another_connection("NOTIFY newsroom_test", [])
    _wait_for_a_message(kept)
    connection.close_if_health_check_failed()

    assert connection.connection is kept
    with connection.cursor() as cursor:
        cursor.execute("UNLISTEN newsroom_test")
