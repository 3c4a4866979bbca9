"""The link chart's API: the bounded graph, expanding a node, saved charts — and from the
refused side: anonymous callers, outsiders and the Secretariat (404 for everything), viewers
(who read but cannot save)."""

import pytest
from django.contrib.contenttypes.models import ContentType

from palermo.analysis.chart_api import save_chart
from palermo.analysis.models import Chart, Entity
from palermo.platform.models import ReadEvent

from .helpers import load, team
from .test_api import bearer

pytestmark = pytest.mark.django_db

STATE = {
    "nodes": [{"id": "a", "x": 0.5, "y": -1.0}, {"id": "b", "x": 2.0, "y": 3.0}],
    "layout": "forceatlas2",
    "filters": {"hidden_types": ["BankAccount"], "metric": "betweenness", "threshold": 0.1},
    "selection": ["a"],
    "viewport": {"x": 0.4, "y": 0.6, "ratio": 0.5, "angle": 0.0},
}


@pytest.fixture
def calls():
    """calls.csv: Ivan ↔ Marco, Marco → line 3, Ivan ↔ line 3, Lidia → Marco."""
    investigation, owner, editor, viewer, outsider = team()
    load(investigation, "calls.csv", "calls")
    names = {e.caption: e for e in Entity.objects.filter(investigation=investigation)}
    return investigation, owner, editor, viewer, outsider, names


def _url(investigation, rest=""):
    return f"/api/analysis/investigations/{investigation.pk}{rest}"


def _operations(investigation, chart, entity):
    base = _url(investigation)
    return [
        ("get", f"{base}/graph", None),
        ("get", f"{base}/expand/{entity.pk}", None),
        ("get", f"{base}/charts", None),
        ("post", f"{base}/charts", {"title": "x"}),
        ("get", f"{base}/charts/{chart.pk}", None),
        ("put", f"{base}/charts/{chart.pk}", {"title": "x"}),
        ("delete", f"{base}/charts/{chart.pk}", None),
    ]


def _call(client, method, url, body, user=None):
    headers = bearer(user) if user else {}
    if body is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(url, body, content_type="application/json", **headers)


def test_outsiders_get_404_for_every_operation_and_anonymous_callers_401(
    client, calls, secretariat
):
    investigation, owner, _editor, _viewer, outsider, names = calls
    chart = save_chart(investigation, title="Kept (fictional)", state=STATE, acting_user=owner)
    for method, url, body in _operations(investigation, chart, names["Ivan Petrov"]):
        assert _call(client, method, url, body).status_code == 401, url
        for user in (outsider, secretariat):
            response = _call(client, method, url, body, user)
            assert response.status_code == 404, (method, url, user.username)
            assert "Ivan" not in response.content.decode()
    chart.refresh_from_db()
    assert chart.title == "Kept (fictional)"
    assert Chart.objects.filter(investigation=investigation).count() == 1


def test_a_viewer_reads_charts_but_cannot_save_change_or_delete_them(client, calls):
    investigation, owner, _editor, viewer, _outsider, _names = calls
    chart = save_chart(
        investigation, title="Owner's view (fictional)", state=STATE, acting_user=owner
    )
    listing = client.get(_url(investigation, "/charts"), **bearer(viewer)).json()
    assert [c["title"] for c in listing["items"]] == ["Owner's view (fictional)"]
    assert listing["items"][0]["nodes"] == 2
    got = client.get(_url(investigation, f"/charts/{chart.pk}"), **bearer(viewer)).json()
    assert got["state"]["viewport"]["ratio"] == 0.5
    refused = [
        _call(client, "post", _url(investigation, "/charts"), {"title": "Mine"}, viewer),
        _call(client, "put", _url(investigation, f"/charts/{chart.pk}"), {"title": "Mine"}, viewer),
        _call(client, "delete", _url(investigation, f"/charts/{chart.pk}"), None, viewer),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert "does not allow" in refused[0].json()["detail"]
    chart.refresh_from_db()
    assert chart.title == "Owner's view (fictional)"
    assert Chart.objects.filter(investigation=investigation).count() == 1


def test_an_editor_saves_changes_and_deletes_a_chart(client, calls):
    investigation, _owner, editor, _viewer, _outsider, _names = calls
    created = client.post(
        _url(investigation, "/charts"),
        {"title": "  Brokers (fictional) ", "state": STATE},
        content_type="application/json",
        **bearer(editor),
    )
    assert created.status_code == 201
    chart = created.json()
    assert chart["title"] == "Brokers (fictional)"
    assert chart["created_by"] == editor.username
    assert chart["state"]["nodes"] == STATE["nodes"]
    assert chart["state"]["filters"]["hidden_types"] == ["BankAccount"]
    url = _url(investigation, f"/charts/{chart['id']}")
    changed = client.put(
        url,
        {"title": "Brokers, circle", "state": {"layout": "circular"}},
        content_type="application/json",
        **bearer(editor),
    ).json()
    assert changed["title"] == "Brokers, circle"
    assert changed["state"]["layout"] == "circular"
    assert changed["state"]["nodes"] == []
    assert client.delete(url, **bearer(editor)).status_code == 204
    assert client.get(url, **bearer(editor)).status_code == 404


def test_a_bad_chart_is_refused_saying_which_field(client, calls):
    investigation, owner, *_ = calls
    url = _url(investigation, "/charts")
    bad_position = client.post(
        url,
        {"title": "Bad", "state": {"nodes": [{"id": "a", "x": "left", "y": 0}]}},
        content_type="application/json",
        **bearer(owner),
    )
    assert bad_position.status_code == 422
    assert any("state.nodes.0.x" in line for line in bad_position.json()["detail"])
    no_title = client.post(url, {"title": ""}, content_type="application/json", **bearer(owner))
    assert no_title.status_code == 422
    assert any("title" in line for line in no_title.json()["detail"])
    assert not Chart.objects.filter(investigation=investigation).exists()


def test_the_graph_sends_the_most_connected_nodes_first_with_their_links(client, calls):
    investigation, _owner, _editor, viewer, _outsider, names = calls
    whole = client.get(_url(investigation, "/graph"), **bearer(viewer)).json()
    assert whole["truncated"] is False
    assert whole["total_nodes"] == 4 and whole["total_links"] == 5
    by_caption = {n["caption"]: n for n in whole["nodes"]}
    assert by_caption["Marco Bellini"]["degree"] == 3
    assert by_caption["Lidia Russo"]["degree"] == 1
    assert by_caption["Ivan Petrov"]["type"] == "Person"
    assert by_caption["Ivan Petrov"]["icon"] == "user"
    assert {link["type"] for link in whole["links"]} == {"Call"}
    assert sorted(link["date"][:10] for link in whole["links"]) == [
        "2024-03-01",
        "2024-03-01",
        "2024-03-01",
        "2024-03-02",
        "2024-03-03",
    ]
    top = client.get(_url(investigation, "/graph"), {"limit": 1}, **bearer(viewer)).json()
    assert top["truncated"] is True
    assert [n["caption"] for n in top["nodes"]] == ["Marco Bellini"]
    assert top["links"] == []
    three = client.get(_url(investigation, "/graph"), {"limit": 3}, **bearer(viewer)).json()
    assert "Lidia Russo" not in {n["caption"] for n in three["nodes"]}
    kept = {n["id"] for n in three["nodes"]}
    assert len(three["links"]) == 4  # every call but Lidia's
    assert all(link["source"] in kept and link["target"] in kept for link in three["links"])


def test_payments_carry_their_amounts_and_dates(client):
    investigation, owner, *_ = team()
    load(investigation, "payments.csv", "payments")
    graph = client.get(_url(investigation, "/graph"), **bearer(owner)).json()
    payments = sorted(
        (link for link in graph["links"] if link["type"] == "Payment"), key=lambda p: p["date"]
    )
    assert [(p["date"][:10], p["amount"], p["currency"]) for p in payments] == [
        ("2024-03-01", 9500.0, "EUR"),
        ("2024-03-02", 9400.0, "EUR"),
        ("2024-03-03", 9300.5, "EUR"),
        ("2024-03-04", 1200.0, "USD"),
    ]


def test_measures_on_request_and_unknown_ones_refused(client, calls):
    investigation, _owner, _editor, viewer, *_ = calls
    url = _url(investigation, "/graph")
    answer = client.get(url, {"metrics": "betweenness,pagerank"}, **bearer(viewer)).json()
    assert answer["metrics"] == ["betweenness", "pagerank"]
    scores = {n["caption"]: n["metrics"] for n in answer["nodes"]}
    # Marco is the only way from Lidia to the others.
    assert max(scores, key=lambda name: scores[name]["betweenness"]) == "Marco Bellini"
    assert scores["Lidia Russo"]["betweenness"] == 0
    assert sum(s["pagerank"] for s in scores.values()) == pytest.approx(1)
    refused = client.get(url, {"metrics": "degree,influence"}, **bearer(viewer))
    assert refused.status_code == 422
    assert "influence" in refused.json()["detail"]
    assert client.get(url, {"limit": 0}, **bearer(viewer)).status_code == 422


def test_expand_gives_a_nodes_neighbourhood(client, calls):
    investigation, _owner, _editor, viewer, _outsider, names = calls
    lidia = names["Lidia Russo"]
    url = _url(investigation, f"/expand/{lidia.pk}")
    one = client.get(url, **bearer(viewer)).json()
    assert [n["caption"] for n in one["nodes"]][0] == "Lidia Russo"
    assert {n["caption"] for n in one["nodes"]} == {"Lidia Russo", "Marco Bellini"}
    assert len(one["links"]) == 1
    two = client.get(url, {"hops": 2}, **bearer(viewer)).json()
    assert len(two["nodes"]) == 4
    assert client.get(url, {"hops": 4}, **bearer(viewer)).status_code == 422
    call = Entity.objects.filter(investigation=investigation, schema="Call").first()
    missing = client.get(_url(investigation, f"/expand/{call.pk}"), **bearer(viewer))
    assert missing.status_code == 404


def test_an_entity_of_another_investigation_cannot_be_expanded(client, calls):
    investigation, owner, *_rest, names = calls
    from palermo.analysis import services

    other = services.create_investigation(title="Other (fictional)", acting_user=owner)
    answer = client.get(_url(other, f"/expand/{names['Lidia Russo'].pk}"), **bearer(owner))
    assert answer.status_code == 404


def test_reads_of_the_graph_and_charts_are_logged(client, calls):
    investigation, owner, _editor, viewer, *_ = calls
    chart = save_chart(investigation, title="Logged (fictional)", state=STATE, acting_user=owner)
    client.get(_url(investigation, "/graph"), **bearer(viewer))
    client.get(_url(investigation, f"/charts/{chart.pk}"), **bearer(viewer))
    reads = ReadEvent.objects.filter(user=viewer, surface="api")
    entity_type = ContentType.objects.get_for_model(Entity)
    chart_type = ContentType.objects.get_for_model(Chart)
    assert reads.filter(content_type=entity_type).count() == 9  # 4 nodes and 5 calls
    assert reads.filter(content_type=chart_type, object_pk=str(chart.pk)).exists()


def test_the_chart_list_and_graph_cost_the_same_queries_whatever_their_size(
    client, calls, django_assert_max_num_queries
):
    investigation, owner, _editor, viewer, *_ = calls
    for i in range(12):
        save_chart(investigation, title=f"Chart {i} (fictional)", state=STATE, acting_user=owner)
    headers = bearer(viewer)
    with django_assert_max_num_queries(12):
        listing = client.get(_url(investigation, "/charts"), **headers).json()
    assert listing["count"] == 12
    load(investigation, "payments.csv", "payments")
    with django_assert_max_num_queries(12):
        graph = client.get(_url(investigation, "/graph"), **headers).json()
    assert graph["total_nodes"] > 4
