"""The link chart's pages: members only (outsiders and the Secretariat get 404), viewers are
not offered to save, saved charts are listed and opened, at a bounded number of queries."""

import pytest
from django.urls import reverse

from palermo.analysis import services
from palermo.analysis.chart_api import save_chart

from .helpers import load, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace():
    investigation, owner, editor, viewer, outsider = team()
    load(investigation, "calls.csv", "calls")
    chart = save_chart(
        investigation, title="Brokers (fictional)", state={"layout": "radial"}, acting_user=owner
    )
    return investigation, owner, editor, viewer, outsider, chart


def _urls(investigation, chart):
    return [
        reverse("analysis:chart", kwargs={"pk": investigation.pk}),
        reverse("analysis:chart_saved", kwargs={"pk": investigation.pk, "chart": chart.pk}),
    ]


def test_outsiders_and_the_secretariat_get_404_and_visitors_are_sent_to_sign_in(
    client, workspace, secretariat
):
    investigation, *_members, outsider, chart = workspace
    for url in _urls(investigation, chart):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        for user in (outsider, secretariat):
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == 404, (url, user.username)
            assert "Brokers (fictional)" not in response.content.decode()
        client.logout()


def test_a_saved_chart_of_another_investigation_is_not_found(client, workspace):
    investigation, owner, *_rest, chart = workspace
    other = services.create_investigation(title="Other (fictional)", acting_user=owner)
    client.force_login(owner)
    url = reverse("analysis:chart_saved", kwargs={"pk": other.pk, "chart": chart.pk})
    assert client.get(url).status_code == 404


def test_a_viewer_is_not_offered_to_save(client, workspace):
    investigation, _owner, editor, viewer, _outsider, chart = workspace
    url = reverse("analysis:chart", kwargs={"pk": investigation.pk})
    client.force_login(viewer)
    page = client.get(url).content.decode()
    assert "Save chart" not in page
    assert "only its owners and editors save them" in page
    assert "Brokers (fictional)" in page  # the saved charts are listed for viewers too
    assert '"canSave": false' in page
    client.force_login(editor)
    page = client.get(url).content.decode()
    assert "Save chart" in page
    assert '"canSave": true' in page


def test_a_saved_chart_opens_with_its_title_and_number(client, workspace):
    investigation, owner, *_rest, chart = workspace
    client.force_login(owner)
    url = reverse("analysis:chart_saved", kwargs={"pk": investigation.pk, "chart": chart.pk})
    page = client.get(url).content.decode()
    assert "<h1>Brokers (fictional)</h1>" in page
    assert f'"chart": {chart.pk}' in page
    assert f'"investigation": {investigation.pk}' in page
    assert 'value="Brokers (fictional)"' in page


def test_the_chart_page_costs_the_same_queries_however_many_charts(
    client, workspace, django_assert_max_num_queries
):
    investigation, owner, *_rest = workspace
    client.force_login(owner)
    url = reverse("analysis:chart", kwargs={"pk": investigation.pk})
    client.get(url)
    for i in range(15):
        save_chart(investigation, title=f"Chart {i} (fictional)", state={}, acting_user=owner)
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert page.count("(fictional)</a> <small") == 16
