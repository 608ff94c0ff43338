"""/dashboard/ for every signed-in user, with a table and a CSV download per chart."""

import csv
import io

import pytest
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="reader", groups=["viewer"]))
    return client


def test_signed_out_visitors_are_sent_to_log_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/dashboard/editors.csv").status_code == 302


def test_every_chart_has_a_canvas_its_numbers_a_table_and_a_csv_link(desk_day, reader):
    response = reader.get("/dashboard/")

    assert response.status_code == 200
    html = response.content.decode()
    for name in ("articles", "editors", "words", "seconds", "effort", "queue", "slowest"):
        assert f'<canvas id="chart-{name}"' in html
        assert f'id="chart-{name}-data" type="application/json"' in html
        assert f'href="/dashboard/{name}.csv?' in html
    assert '<th scope="row">ed1</th><td>3</td><td>0</td><td>6</td><td>40.5</td>' in html
    assert 'href="/dashboard/"' in html  # the header links here


def test_the_page_says_what_was_wrong_with_a_bad_period(reader):
    response = reader.get("/dashboard/", {"from": "2026-12-01", "to": "2026-11-01"})
    assert response.status_code == 400
    assert "from (2026-12-01) is after to (2026-11-01)." in response.content.decode()


def test_the_csv_holds_the_table(desk_day, reader):
    today = timezone.localdate().isoformat()
    response = reader.get("/dashboard/editors.csv", {"from": today, "to": today})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="newsroom-editors-{today}-{today}.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Editor", "Segments edited", "Segments approved", "Words changed", "Seconds"]
    assert ["ed1", "3", "0", "6", "40.5"] in rows[1:]
    assert ["rev1", "0", "1", "0", "0.0"] in rows[1:]


def test_the_csv_of_the_articles_chart_counts_each_day(desk_day, reader):
    today = timezone.localdate().isoformat()
    response = reader.get("/dashboard/articles.csv", {"from": today, "to": today})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Day", "Imported", "New", "Translated", "In review", "Approved"],
        [today, "2", "0", "1", "1", "0"],
    ]


def test_a_csv_cell_a_spreadsheet_would_run_is_written_as_text(desk_day, reader):
    Article.objects.filter(pk=desk_day["article"].pk).update(outlet="=HYPERLINK(1)")
    response = reader.get("/dashboard/slowest.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_an_unknown_chart_is_404(reader):
    assert reader.get("/dashboard/nothing.csv").status_code == 404


def test_a_period_open_at_one_end_says_so(desk_day, reader):
    response = reader.get("/dashboard/", {"to": timezone.localdate().isoformat()})
    assert "From the start to " in response.content.decode()
    response = reader.get("/dashboard/queue.csv", {"from": "2026-01-01"})
    assert 'filename="newsroom-queue-2026-01-01-now.csv"' in response["Content-Disposition"]
