"""The proposal status machine (DESIGN §2). Every status change goes through here.

Each move is checked (edge, who, note), applied, recorded as a StatusChange
and in the audit log, bumps the leaderboard counter, and is announced through
app.core.signals (proposal_status_changed; publishing: proposal_published), so this
module knows nothing of who listens. Services flush, the view commits.
"""
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import audit, signals
from app.core.cycles import city_today
from app.core.extensions import db
from app.core.labels import label
from app.models import (
    APPROVED_STATUSES,
    NOTE_REQUIRED_STATUSES,
    Cycle,
    Proposal,
    StatusChange,
    User,
)
from app.models._types import utcnow

# Who may make each move: "member" (a member of the proposal's agency, or an
# admin), "admin", or "reviewer" (the first review moves submitted to in_review).
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "submitted"): "member",
    ("submitted", "in_review"): "reviewer",
    ("submitted", "revision_requested"): "admin",
    ("submitted", "approved"): "admin",
    ("submitted", "rejected"): "admin",
    ("in_review", "revision_requested"): "admin",
    ("in_review", "approved"): "admin",
    ("in_review", "rejected"): "admin",
    ("revision_requested", "submitted"): "member",
    ("approved", "implemented"): "admin",
    ("draft", "withdrawn"): "member",
    ("submitted", "withdrawn"): "member",
    ("revision_requested", "withdrawn"): "member",
}

SUMMARY_MAX_WORDS = 200
DESIGN_MIN_WORDS = 300
REQUIRED_FIELDS = {
    "title": _l("Judul inovasi"),
    "summary": _l("Ringkasan"),
    "problem": _l("Permasalahan / latar belakang"),
    "design": _l("Rancang bangun"),
    "goals": _l("Tujuan"),
    "benefits": _l("Manfaat"),
    "results": _l("Hasil inovasi"),
    "maturity": _l("Tahapan inovasi"),
    "initiator": _l("Inisiator"),
    "innovation_type": _l("Jenis inovasi"),
    "form": _l("Bentuk inovasi"),
    "affair": _l("Urusan pemerintahan"),
    "contact": _l("Kontak"),
}


class TransitionError(ValueError):
    """A refused status move; the message says why, and nothing changed."""


def word_count(text: str | None) -> int:
    return len(re.findall(r"\S+", text or ""))


@dataclass
class Problem:
    field: str
    message: str


def window_refusal(proposal: Proposal, actor: User, today: date | None = None) -> str | None:
    """Why `actor` may not submit (or resubmit) this proposal today because of its
    cycle's submission window, with the window's dates; None when they may.
    Admins may move proposals whatever the dates."""
    return cycle_window_refusal(proposal.cycle, actor, today)


def cycle_window_refusal(cycle: Cycle, actor: User, today: date | None = None) -> str | None:
    """As window_refusal, for a proposal of `cycle` not yet written (the new-proposal form)."""
    today = today or city_today()
    if actor.is_admin or cycle.accepts_submissions(today):
        return None
    dates = dict(year=cycle.year, opens=format_date(cycle.submission_opens, "long"),
                 closes=format_date(cycle.submission_closes, "long"))
    if today < cycle.submission_opens and not cycle.closed:
        return _("Masa pengajuan siklus %(year)s belum dibuka: usulan dapat diajukan mulai %(opens)s sampai "
                 "%(closes)s (WIB).", **dates)
    return _("Masa pengajuan siklus %(year)s sudah berakhir (%(opens)s sampai %(closes)s, WIB): usulan tidak "
             "dapat diajukan lagi. Hubungi admin laboratorium bila perlu.", **dates)


def submission_problems(proposal: Proposal, actor: User | None = None) -> list[Problem]:
    """Everything that keeps a proposal from being submitted, field by field;
    given the person submitting, also the cycle's submission window (field "cycle")."""
    problems = []
    refusal = window_refusal(proposal, actor) if actor is not None else None
    if refusal:
        problems.append(Problem("cycle", refusal))
    for field, name in REQUIRED_FIELDS.items():
        value = getattr(proposal, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(Problem(field, _("%(field)s wajib diisi sebelum diajukan.", field=name)))
    summary_words = word_count(proposal.summary)
    if summary_words > SUMMARY_MAX_WORDS:
        problems.append(Problem("summary", _(
            "Ringkasan paling banyak %(max)d kata; sekarang %(count)d kata.", max=SUMMARY_MAX_WORDS, count=summary_words)))
    design_words = word_count(proposal.design)
    if proposal.design and design_words < DESIGN_MIN_WORDS:
        problems.append(Problem("design", _(
            "Rancang bangun paling sedikit %(min)d kata; sekarang %(count)d kata, kurang %(missing)d.",
            min=DESIGN_MIN_WORDS, count=design_words, missing=DESIGN_MIN_WORDS - design_words)))
    if proposal.maturity in ("uji_coba", "penerapan") and proposal.trial_date is None:
        problems.append(Problem("trial_date", _("Isi tanggal uji coba untuk inovasi yang sudah diujicobakan.")))
    if proposal.maturity == "penerapan" and proposal.implementation_date is None:
        problems.append(Problem("implementation_date", _("Isi tanggal penerapan untuk inovasi yang sudah diterapkan.")))
    return problems


def is_member(user: User, proposal: Proposal) -> bool:
    return user.agency_id is not None and user.agency_id == proposal.agency_id


def may_move(user: User, proposal: Proposal, to_status: str) -> bool:
    """May this user make this move now (edge exists and role fits)?"""
    who = TRANSITIONS.get((proposal.status, to_status))
    if who is None or not user.is_authenticated:
        return False
    if who == "admin":
        return user.is_admin
    if who == "reviewer":
        return user.is_reviewer and not is_member(user, proposal)
    return is_member(user, proposal) or user.is_admin


def allowed_moves(user: User, proposal: Proposal) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == proposal.status and may_move(user, proposal, to)]


def change_status(proposal: Proposal, to_status: str, actor: User, note: str = "") -> StatusChange:
    """Move a proposal along one edge of the status machine, or raise TransitionError."""
    from_status = proposal.status
    note = (note or "").strip()
    if (from_status, to_status) not in TRANSITIONS:
        raise TransitionError(_(
            "Status tidak dapat diubah dari %(from)s ke %(to)s.",
            **{"from": label("status", from_status), "to": label("status", to_status)}))
    if not may_move(actor, proposal, to_status):
        raise TransitionError(_("Anda tidak berwenang mengubah status usulan ini menjadi %(to)s.",
                                to=label("status", to_status)))
    if to_status in NOTE_REQUIRED_STATUSES and not note:
        raise TransitionError(_("Tuliskan catatan: apa yang perlu diperbaiki atau mengapa usulan ditolak."))
    if to_status == "submitted":
        problems = submission_problems(proposal, actor)
        if problems:
            raise TransitionError(" ".join(p.message for p in problems))
        proposal.submitted_at = utcnow()
    if to_status == "implemented" and not proposal.attachments:
        raise TransitionError(_("Lampirkan bukti penerapan sebelum menandai usulan sudah diterapkan."))
    if to_status not in APPROVED_STATUSES:
        proposal.published = False  # only approved or implemented work is on the showcase

    proposal.status = to_status
    change = StatusChange(proposal=proposal, actor_id=actor.id, from_status=from_status, to_status=to_status, note=note)
    db.session.add(change)
    db.session.flush()
    audit.record("proposal_status", target=proposal, actor=actor, summary=proposal.title,
                 **{"from": from_status, "to": to_status, "note": note})
    signals.proposal_status_changed.send(proposal, change=change, actor=actor)
    return change


def set_published(proposal: Proposal, published: bool, actor: User) -> None:
    """Publish an approved or implemented proposal to the showcase, or take it off."""
    if not actor.is_admin:
        raise TransitionError(_("Hanya admin yang dapat mempublikasikan inovasi."))
    if published and proposal.status not in APPROVED_STATUSES:
        raise TransitionError(_("Hanya inovasi yang disetujui atau sudah diterapkan yang dapat dipublikasikan."))
    if proposal.published == published:
        return
    proposal.published = published
    if published:
        proposal.published_at = utcnow()
    db.session.flush()
    audit.record("proposal_published" if published else "proposal_unpublished", target=proposal, actor=actor,
                 summary=proposal.title)
    signals.proposal_published.send(proposal, published=published, actor=actor)
