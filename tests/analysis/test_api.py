"""The analysis API from the refused side: anonymous callers, outsiders, the Secretariat."""

import pytest

from palermo.core.services import create_api_token

from .helpers import load, team

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, secret = create_api_token(acting_user=user, name="a3")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_members_only(client, secretariat):
    investigation, owner, editor, viewer, outsider = team()
    load(investigation, "calls.csv", "calls")
    url = f"/api/analysis/investigations/{investigation.pk}"
    assert client.get("/api/analysis/investigations").status_code == 401
    assert client.get(url).status_code == 401
    for user in (outsider, secretariat):
        assert client.get(url, **bearer(user)).status_code == 404
        listing = client.get("/api/analysis/investigations", **bearer(user)).json()
        assert listing["count"] == 0
    answer = client.get(url, **bearer(viewer)).json()
    # calls.csv: five calls between four lines, one of which nobody names
    assert answer["entities"] == {"Call": 5, "LegalEntity": 1, "Person": 3}
    assert {m["username"]: m["role"] for m in answer["members"]} == {
        owner.username: "owner",
        editor.username: "editor",
        viewer.username: "viewer",
    }
    listing = client.get("/api/analysis/investigations", **bearer(viewer)).json()
    assert [i["id"] for i in listing["items"]] == [investigation.pk]
