"""Evidence uploads: type from content, size limit, safe names, downloads as attachments."""
import hashlib
import io
import os
import re

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.models import Attachment
from tests import factories
from tests.conftest import login
from tests.factories import EXE_BYTES, PDF_BYTES, PNG_BYTES, office_file, proposal_in


@pytest.fixture
def member_client(client, make):
    proposal = proposal_in("submitted")
    user = factories.user("innovator", agency_=proposal.agency)
    db.session.commit()
    login(client, user)
    client.proposal_id = proposal.id
    return client


def upload(client, data: bytes, name: str):
    return client.post(f"/proposals/{client.proposal_id}/attachments",
                       data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def stored_files(app) -> list[str]:
    folder = app.config["UPLOAD_DIR"]
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_pdf_is_stored_under_a_generated_name_with_its_sha256(app, member_client):
    before = stored_files(app)
    response = upload(member_client, PDF_BYTES, "Laporan uji coba.pdf")
    assert response.status_code == 302
    attachment = db.session.scalars(select(Attachment)).one()
    assert attachment.original_name == "Laporan uji coba.pdf"
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", attachment.stored_name)
    assert attachment.sha256 == hashlib.sha256(PDF_BYTES).hexdigest() and attachment.size == len(PDF_BYTES)
    assert stored_files(app) == sorted(before + [attachment.stored_name])

    download = member_client.get(f"/proposals/{member_client.proposal_id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "Laporan" in download.headers["Content-Disposition"]
    assert download.mimetype == "application/pdf"


@pytest.mark.parametrize("data,name", [(PNG_BYTES, "foto.png"), (PNG_BYTES, "foto.PNG"),
                                       (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "foto.jpg"),
                                       (office_file("docx"), "rancangan.docx"), (office_file("xlsx"), "data.xlsx")])
def test_every_allowed_type_is_accepted(member_client, data, name):
    assert upload(member_client, data, name).status_code == 302
    assert db.session.scalars(select(Attachment)).one().original_name == name


def test_wrong_type_renamed_to_pdf_is_refused(app, member_client):
    before = stored_files(app)
    response = upload(member_client, EXE_BYTES, "laporan.pdf")
    assert response.status_code == 422
    assert "Jenis berkas tidak diizinkan" in response.get_data(as_text=True)
    assert db.session.scalars(select(Attachment)).first() is None
    assert stored_files(app) == before


@pytest.mark.parametrize("data,name,message", [
    (PNG_BYTES, "surat.pdf", "Isi berkas adalah PNG"),
    (office_file("xlsx"), "rancangan.docx", "Isi berkas adalah Excel (XLSX)"),
    (b"PK\x03\x04not really a zip", "data.xlsx", "Jenis berkas tidak diizinkan"),
    (b"", "kosong.pdf", "berkas kosong"),
])
def test_mismatched_or_broken_files_are_refused_with_a_reason(member_client, data, name, message):
    response = upload(member_client, data, name)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalars(select(Attachment)).first() is None


def test_oversize_file_is_refused_with_a_clear_message(app, member_client):
    app.config["MAX_UPLOAD_MB"] = 1
    try:
        response = upload(member_client, PDF_BYTES + b"0" * (1024 * 1024), "besar.pdf")
    finally:
        app.config["MAX_UPLOAD_MB"] = 10
    assert response.status_code == 422
    assert "Berkas terlalu besar. Ukuran paling besar 1 MB" in response.get_data(as_text=True)
    assert db.session.scalars(select(Attachment)).first() is None


def test_name_with_dot_dot_slash_is_stored_safely(app, member_client, tmp_path):
    upload_dir = app.config["UPLOAD_DIR"]
    parent_before = sorted(os.listdir(os.path.dirname(upload_dir)))
    response = upload(member_client, PDF_BYTES, "../../../etc/bukti.pdf")
    assert response.status_code == 302
    attachment = db.session.scalars(select(Attachment)).one()
    assert attachment.original_name == "bukti.pdf"
    assert os.path.isfile(os.path.join(upload_dir, attachment.stored_name))
    assert sorted(os.listdir(os.path.dirname(upload_dir))) == parent_before  # nothing written beside the folder
    download = member_client.get(f"/proposals/{member_client.proposal_id}/attachments/{attachment.id}")
    assert "bukti.pdf" in download.headers["Content-Disposition"] and ".." not in download.headers["Content-Disposition"]


def test_others_cannot_upload_to_a_proposal(client, make):
    proposal = proposal_in("submitted")
    outsider = factories.user("reviewer", agency_=make.agency())
    db.session.commit()
    login(client, outsider)
    response = client.post(f"/proposals/{proposal.id}/attachments", data={"file": (io.BytesIO(PDF_BYTES), "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 403
