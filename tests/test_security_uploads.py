"""Upload attacks the proposal upload tests do not already cover: markup disguised as an
image or PDF, Windows and absolute paths, NUL bytes, a request over the size cap, and how a
stored file is served back."""
import io
import os

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.models import Attachment
from tests import factories
from tests.conftest import login
from tests.factories import PDF_BYTES, PNG_BYTES, proposal_in


@pytest.fixture
def member(client, make):
    proposal = proposal_in("submitted")
    user = factories.user("innovator", agency_=proposal.agency)
    db.session.commit()
    login(client, user)
    client.proposal_id = proposal.id
    return client


def upload(client, data: bytes, name: str, content_type: str = "application/pdf"):
    return client.post(f"/proposals/{client.proposal_id}/attachments",
                       data={"file": (io.BytesIO(data), name, content_type)}, content_type="multipart/form-data")


@pytest.mark.parametrize("data,name,claimed", [
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "logo.png", "image/png"),
    (b"<html><script>alert(1)</script></html>", "laporan.pdf", "application/pdf"),
    (b"<?xml version='1.0'?><svg onload='alert(1)'/>", "gambar.svg", "image/svg+xml"),
    (b"%PDF" + b"<script>alert(1)</script>", "hampir.pdf", "application/pdf"),  # not the full signature
    (b"GIF89a<script>alert(1)</script>", "animasi.gif", "image/gif"),
])
def test_markup_with_a_forged_type_is_refused(app, member, data, name, claimed):
    response = upload(member, data, name, claimed)
    assert response.status_code == 422
    assert db.session.scalars(select(Attachment)).first() is None


@pytest.mark.parametrize("name,shown", [
    ("..\\..\\windows\\bukti.pdf", "bukti.pdf"),
    ("/etc/passwd/bukti.pdf", "bukti.pdf"),
    ("C:\\Users\\x\\bukti.pdf", "bukti.pdf"),
    ("bukti\x00.pdf", "bukti.pdf"),
    ("..", None),
    ("....//....//bukti.pdf", "bukti.pdf"),
])
def test_hostile_names_never_reach_the_disk(app, member, name, shown):
    upload_dir = app.config["UPLOAD_DIR"]
    parent = os.path.dirname(upload_dir)
    before = sorted(os.listdir(parent))
    response = upload(member, PDF_BYTES, name)
    assert sorted(os.listdir(parent)) == before or sorted(os.listdir(parent)) == sorted(set(before) | {"uploads"})
    attachment = db.session.scalars(select(Attachment)).first()
    if attachment is None:
        assert response.status_code == 422  # refused (no extension left), with a reason
        return
    assert response.status_code == 302
    # Only the last part of the name is kept (how a client escapes backslashes varies, so the
    # Windows paths may keep their folder names glued on, never a separator).
    assert attachment.original_name.endswith(shown)
    assert not any(ch in attachment.original_name for ch in "/\\\x00") and not attachment.original_name.startswith(".")
    assert "/" not in attachment.stored_name and "\\" not in attachment.stored_name and ".." not in attachment.stored_name
    assert os.path.isfile(os.path.join(upload_dir, attachment.stored_name))


def test_a_request_over_the_size_cap_is_refused_before_reading(app, member):
    response = upload(member, PDF_BYTES + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10), "besar.pdf")
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)
    assert db.session.scalars(select(Attachment)).first() is None


def test_downloads_are_attachments_with_the_checked_type_and_nosniff(member):
    assert upload(member, PNG_BYTES, "foto.png", "text/html").status_code == 302
    attachment = db.session.scalars(select(Attachment)).one()
    response = member.get(f"/proposals/{member.proposal_id}/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"  # from the content, not the browser's claim
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == PNG_BYTES


def test_an_attachment_of_another_proposal_is_not_served(member, make):
    other = proposal_in("submitted")
    db.session.commit()
    assert upload(member, PDF_BYTES, "bukti.pdf").status_code == 302
    attachment = db.session.scalars(select(Attachment)).one()
    # The right attachment id under the wrong proposal: no way round the proposal's permission check.
    assert member.get(f"/proposals/{other.id}/attachments/{attachment.id}").status_code == 404
