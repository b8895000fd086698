"""Factories for proposal tests: proposals in any status, evidence files, quick users."""
import hashlib
import io
import os
import uuid
import zipfile
from datetime import datetime, timezone

from flask import current_app
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Attachment, StatusChange, User
from tests import factories

# One cheap hash for the many users of the permission matrix (login stays real).
_FAST_HASH = generate_password_hash(factories.PASSWORD, method="pbkdf2:sha256:1000")

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64

# The path each status is reached by, as the status machine allows it.
PATHS = {
    "draft": [],
    "submitted": ["submitted"],
    "in_review": ["submitted", "in_review"],
    "revision_requested": ["submitted", "revision_requested"],
    "approved": ["submitted", "in_review", "approved"],
    "rejected": ["submitted", "rejected"],
    "implemented": ["submitted", "approved", "implemented"],
    "withdrawn": ["submitted", "withdrawn"],
}


def office_file(kind: str) -> bytes:
    """A minimal DOCX or XLSX: a ZIP with [Content_Types].xml and its main part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "docx":
            archive.writestr("[Content_Types].xml", '<Types><Override ContentType="application/vnd.openxmlformats-'
                                                    'officedocument.wordprocessingml.document.main+xml"/></Types>')
            archive.writestr("word/document.xml", "<w:document/>")
        else:
            archive.writestr("[Content_Types].xml", '<Types><Override ContentType="application/vnd.openxmlformats-'
                                                    'officedocument.spreadsheetml.sheet.main+xml"/></Types>')
            archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def quick_user(role="innovator", agency_=None, **fields):
    """A user whose password hash is cheap to check (for large parametrized tests)."""
    n = uuid.uuid4().hex[:10]
    if agency_ is None and role == "innovator":
        agency_ = factories.agency()
    user = User(email=fields.pop("email", f"quick{n}@example.com"), name=fields.pop("name", f"Pengguna {n}"),
                role=role, agency=agency_, password_hash=_FAST_HASH, **fields)
    db.session.add(user)
    db.session.flush()
    return user


def proposal_in(status: str, agency_=None, author=None, **fields):
    """A complete proposal in `status`, with the StatusChange rows of its path."""
    if author is None:
        author = quick_user("innovator", agency_=agency_)
    proposal = factories.proposal(agency_=agency_, author=author, **fields)
    previous = "draft"
    for step in PATHS[status]:
        db.session.add(StatusChange(proposal=proposal, actor_id=proposal.author_id, from_status=previous,
                                    to_status=step, note=""))
        previous = step
    proposal.status = status
    if status != "draft":
        proposal.submitted_at = datetime.now(timezone.utc)
    db.session.flush()
    return proposal


def attachment(proposal, data: bytes = PDF_BYTES, name: str = "bukti.pdf", uploader=None):
    """An evidence file stored under UPLOAD_DIR, as the upload service would."""
    stored = f"{uuid.uuid4().hex}.pdf"
    os.makedirs(current_app.config["UPLOAD_DIR"], exist_ok=True)
    with open(os.path.join(current_app.config["UPLOAD_DIR"], stored), "wb") as handle:
        handle.write(data)
    obj = Attachment(proposal=proposal, uploaded_by_id=(uploader or proposal.author).id, original_name=name,
                     stored_name=stored, content_type="application/pdf", size=len(data),
                     sha256=hashlib.sha256(data).hexdigest())
    db.session.add(obj)
    db.session.flush()
    return obj
