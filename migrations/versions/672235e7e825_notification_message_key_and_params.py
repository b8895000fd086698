"""notifications keep their message as a key and parameters

Revision ID: 672235e7e825
Revises: 94be5892cf25
Create Date: 2026-12-03 06:45:00

A notification is shown in the reader's language, so it keeps the Indonesian
msgid it was written from (`message_key`) and its parameters
(`message_params`, JSON) beside the rendered `message`.

Rows written before this revision hold only their text, in the language of
whoever caused them. The texts the app wrote are recognised here, in
Indonesian and in English, and given their key and parameters; a text that
matches none (written by other code, or changed by hand) keeps no key and is
shown as it was stored. The patterns and labels are written out here, not read
from the app, so this revision does the same whatever the app says later.
Only columns are added (no table copy), so SQLite needs no batch mode.
"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "672235e7e825"
down_revision = "94be5892cf25"
branch_labels = None
depends_on = None

SUBMITTED = "Usulan diajukan: \u201c%(title)s\u201d dari %(agency)s."
REVIEWED = "Usulan \u201c%(title)s\u201d mendapat penilaian baru."
REVISE = "Usulan \u201c%(title)s\u201d perlu direvisi: %(note)s"
DECIDED = "Keputusan untuk usulan \u201c%(title)s\u201d: %(decision)s."
DECIDED_NOTE = "Keputusan untuk usulan \u201c%(title)s\u201d: %(decision)s. Catatan: %(note)s"
PUBLISHED = "Inovasi \u201c%(title)s\u201d kini tampil di etalase publik."
EVENT_CANCELLED = "Kegiatan \"%(title)s\" dibatalkan."
SEAT_FOUND = "Ada kursi untuk Anda: Anda kini terdaftar pada \"%(title)s\"."
CLAIM_ACCEPTED = "Bukti \u201c%(indicator)s\u201d untuk inovasi \u201c%(title)s\u201d terverifikasi pada level %(level)d."
CLAIM_DOWNGRADED = ("Bukti \u201c%(indicator)s\u201d untuk inovasi \u201c%(title)s\u201d diverifikasi pada level %(level)d, "
                    "lebih rendah dari level %(claimed)d yang diklaim. Alasan: %(reason)s")
CLAIM_INCOMPLETE = "Bukti \u201c%(indicator)s\u201d untuk inovasi \u201c%(title)s\u201d perlu dilengkapi: %(reason)s"
HIDDEN_AGENCY = "Perangkat daerah disembunyikan (penilaian tertutup)"

# (key, pattern) in the order tried: the decision with a note before the one without.
PATTERNS = [
    (SUBMITTED, r"Usulan diajukan: \u201c(?P<title>.*)\u201d dari (?P<agency>.*)\."),
    (SUBMITTED, r"Proposal submitted: \u201c(?P<title>.*)\u201d from (?P<agency>.*)\."),
    (REVIEWED, r"Usulan \u201c(?P<title>.*)\u201d mendapat penilaian baru\."),
    (REVIEWED, r"Proposal \u201c(?P<title>.*)\u201d has a new review\."),
    (REVISE, r"Usulan \u201c(?P<title>.*)\u201d perlu direvisi: (?P<note>.*)"),
    (REVISE, r"Proposal \u201c(?P<title>.*)\u201d needs revision: (?P<note>.*)"),
    (DECIDED_NOTE, r"Keputusan untuk usulan \u201c(?P<title>.*)\u201d: (?P<decision>[^.]+)\. Catatan: (?P<note>.*)"),
    (DECIDED_NOTE, r"Decision on proposal \u201c(?P<title>.*)\u201d: (?P<decision>[^.]+)\. Note: (?P<note>.*)"),
    (DECIDED, r"Keputusan untuk usulan \u201c(?P<title>.*)\u201d: (?P<decision>[^.]+)\."),
    (DECIDED, r"Decision on proposal \u201c(?P<title>.*)\u201d: (?P<decision>[^.]+)\."),
    (PUBLISHED, r"Inovasi \u201c(?P<title>.*)\u201d kini tampil di etalase publik\."),
    (PUBLISHED, r"The innovation \u201c(?P<title>.*)\u201d is now on the public showcase\."),
    (EVENT_CANCELLED, r"Kegiatan \"(?P<title>.*)\" dibatalkan\."),
    (EVENT_CANCELLED, r"Event \"(?P<title>.*)\" has been cancelled\."),
    (SEAT_FOUND, r"Ada kursi untuk Anda: Anda kini terdaftar pada \"(?P<title>.*)\"\."),
    (SEAT_FOUND, r"A seat is available for you: you are now registered for \"(?P<title>.*)\"\."),
    (CLAIM_ACCEPTED, (r"Bukti \u201c(?P<indicator>.*)\u201d untuk inovasi \u201c(?P<title>.*)\u201d terverifikasi "
                     r"pada level (?P<level>\d+)\.")),
    (CLAIM_ACCEPTED, (r"The evidence for \u201c(?P<indicator>.*)\u201d of the innovation \u201c(?P<title>.*)\u201d "
                     r"was verified at level (?P<level>\d+)\.")),
    (CLAIM_DOWNGRADED, (r"Bukti \u201c(?P<indicator>.*)\u201d untuk inovasi \u201c(?P<title>.*)\u201d diverifikasi pada "
                       r"level (?P<level>\d+), lebih rendah dari level (?P<claimed>\d+) yang diklaim\. Alasan: (?P<reason>.*)")),
    (CLAIM_DOWNGRADED, (r"The evidence for \u201c(?P<indicator>.*)\u201d of the innovation \u201c(?P<title>.*)\u201d was "
                       r"verified at level (?P<level>\d+), lower than the level (?P<claimed>\d+) claimed\. Reason: (?P<reason>.*)")),
    (CLAIM_INCOMPLETE, (r"Bukti \u201c(?P<indicator>.*)\u201d untuk inovasi \u201c(?P<title>.*)\u201d perlu dilengkapi: "
                       r"(?P<reason>.*)")),
    (CLAIM_INCOMPLETE, (r"The evidence for \u201c(?P<indicator>.*)\u201d of the innovation \u201c(?P<title>.*)\u201d "
                       r"needs more: (?P<reason>.*)")),
]
# Whole numbers in the texts, kept as numbers (the keys format them with %d).
NUMBERS = ("level", "claimed")
COMPILED = [(key, re.compile(pattern, re.DOTALL)) for key, pattern in PATTERNS]

# The decisions' status labels, in both languages, back to their codes.
DECISIONS = {
    "Disetujui": "approved", "Approved": "approved",
    "Ditolak": "rejected", "Rejected": "rejected",
    "Perlu revisi": "revision_requested", "Revision requested": "revision_requested",
    "Diterapkan": "implemented", "Implemented": "implemented",
}
HIDDEN_AGENCY_TEXTS = {HIDDEN_AGENCY, "Agency hidden (blind review)"}


def _indonesian(key: str, params: dict) -> str:
    shown = {}
    for name, value in params.items():
        if isinstance(value, dict) and "text" in value:
            shown[name] = value["text"]
        elif isinstance(value, dict) and "data" in value:
            shown[name] = value["value"]
        elif isinstance(value, dict) and "label" in value:
            shown[name] = next(text for text, code in DECISIONS.items() if code == value["code"])
        else:
            shown[name] = value
    return key % shown


def recognise(message: str):
    """(key, params, Indonesian text) of a stored message the app wrote, or None."""
    for key, pattern in COMPILED:
        match = pattern.fullmatch(message or "")
        if not match:
            continue
        params = match.groupdict()
        params.update({name: int(params[name]) for name in NUMBERS if name in params})
        if "decision" in params:
            code = DECISIONS.get(params["decision"])
            if code is None:
                continue
            params["decision"] = {"label": "status", "code": code}
        if params.get("agency") in HIDDEN_AGENCY_TEXTS:
            params["agency"] = {"text": HIDDEN_AGENCY}
        if "indicator" in params:  # a shipped indicator's name, shown in the reader's language
            params["indicator"] = {"data": "indicator", "value": params["indicator"]}
        return key, params, _indonesian(key, params)
    return None


def upgrade():
    op.add_column("notification", sa.Column("message_key", sa.Text(), nullable=True))
    op.add_column("notification", sa.Column("message_params", sa.JSON(), nullable=True))
    bind = op.get_bind()
    notification = sa.table("notification", sa.column("id", sa.Integer), sa.column("message", sa.Text),
                            sa.column("message_key", sa.Text), sa.column("message_params", sa.JSON))
    rows = bind.execute(sa.select(notification.c.id, notification.c.message)).fetchall()
    for row in rows:
        found = recognise(row.message)
        if found is None:
            continue
        key, params, indonesian = found
        bind.execute(notification.update().where(notification.c.id == row.id).values(
            message_key=key, message_params=params, message=indonesian))


def downgrade():
    # The Indonesian text is kept in `message`: dropping the key loses no text.
    with op.batch_alter_table("notification") as batch_op:
        batch_op.drop_column("message_params")
        batch_op.drop_column("message_key")
