"""Comments: plain text, escaped, added inline with HTMX or by a normal post."""
import json

from sqlalchemy import select

from app.core.extensions import db
from app.models import Comment
from tests import factories
from tests.conftest import login
from tests.factories import proposal_in


def _setup(client, make):
    proposal = proposal_in("submitted")
    user = factories.user("reviewer", agency_=make.agency(), name="Dr. Bambang")
    db.session.commit()
    login(client, user)
    return proposal


def test_comment_without_javascript_redirects_back(client, make):
    proposal = _setup(client, make)
    response = client.post(f"/proposals/{proposal.id}/comments", data={"body": "Baris satu\nBaris dua"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/proposals/{proposal.id}#comments")
    assert "Baris satu<br>Baris dua" in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)


def test_comment_with_htmx_returns_the_section_escaped_and_announced(client, make):
    proposal = _setup(client, make)
    response = client.post(f"/proposals/{proposal.id}/comments", data={"body": "<script>alert(1)</script>"},
                           headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "Dr. Bambang" in html and 'data-autofocus' in html
    assert json.loads(response.headers["HX-Trigger"])["announce"] == "Komentar ditambahkan."


def test_empty_comment_is_refused_with_a_message(client, make):
    proposal = _setup(client, make)
    response = client.post(f"/proposals/{proposal.id}/comments", data={"body": "   "}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "Tulis komentar terlebih dahulu." in response.get_data(as_text=True)
    assert db.session.scalars(select(Comment)).first() is None
