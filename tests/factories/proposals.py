"""Proposals in any status, and the evidence files they carry."""
import hashlib
import io
import itertools
import os
import uuid
import zipfile
from datetime import datetime, timezone

from flask import current_app

from app.core.cycles import city_today
from app.core.extensions import db
from app.models import Agency, Attachment, Cycle, Proposal, StatusChange, User
from tests.factories.core import cycle, user

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64

DESIGN_TEXT = " ".join(["Rancang bangun inovasi ini menjelaskan alur layanan yang lebih cepat."] * 40)  # 360 words

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

_counter = itertools.count(1)


def proposal(agency_: Agency | None = None, author: User | None = None, cycle_: Cycle | None = None,
             status: str = "draft", **fields) -> Proposal:
    """A proposal with every field needed to submit it filled in."""
    if author is None:
        author = user(role="innovator", agency_=agency_)
    agency_ = agency_ or author.agency
    if cycle_ is None:
        cycle_ = db.session.query(Cycle).filter_by(year=city_today().year).one_or_none() or cycle()
    n = next(_counter)
    values = dict(
        title=f"Inovasi Uji {n}", summary="Layanan perizinan daring untuk warga.", problem="Antrean panjang.",
        design=DESIGN_TEXT, goals="Mempercepat layanan.", benefits="Warga hemat waktu.", results="Waktu layanan turun.",
        maturity="inisiatif", initiator="opd", innovation_type="digital", form="pelayanan_publik",
        affair="kominfo", contact="0335-000000", lab_stage="drum_up",
    )
    values.update(fields)
    obj = Proposal(agency=agency_, author=author, cycle=cycle_, status=status, **values)
    db.session.add(obj)
    db.session.flush()
    return obj


def proposal_in(status: str, agency_=None, author=None, **fields) -> Proposal:
    """A complete proposal in `status`, with the StatusChange rows of its path."""
    obj = proposal(agency_=agency_, author=author, **fields)
    previous = "draft"
    for step in PATHS[status]:
        db.session.add(StatusChange(proposal=obj, actor_id=obj.author_id, from_status=previous,
                                    to_status=step, note=""))
        previous = step
    obj.status = status
    if status != "draft":
        obj.submitted_at = datetime.now(timezone.utc)
    db.session.flush()
    return obj


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


def attachment(proposal_: Proposal, data: bytes = PDF_BYTES, name: str = "bukti.pdf", uploader=None) -> Attachment:
    """An evidence file stored under UPLOAD_DIR, as the upload service would."""
    stored = f"{uuid.uuid4().hex}.pdf"
    os.makedirs(current_app.config["UPLOAD_DIR"], exist_ok=True)
    with open(os.path.join(current_app.config["UPLOAD_DIR"], stored), "wb") as handle:
        handle.write(data)
    obj = Attachment(proposal=proposal_, uploaded_by_id=(uploader or proposal_.author).id, original_name=name,
                     stored_name=stored, content_type="application/pdf", size=len(data),
                     sha256=hashlib.sha256(data).hexdigest())
    db.session.add(obj)
    db.session.flush()
    return obj
