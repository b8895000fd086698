"""The audit log: one call records who did what to which thing."""
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import has_request_context, request
from flask_babel import format_date, format_decimal, ngettext
from flask_login import current_user
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import joinedload

from app.core.extensions import db
from app.core.i18n import gettext
from app.core.labels import label
from app.models import AuditEntry


def record(action: str, target=None, summary: str = "", actor=None, **details: Any) -> AuditEntry:
    """Add an audit entry to the session (the caller commits with its change)."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        target_type=type(target).__name__.lower() if target is not None else None,
        target_id=getattr(target, "id", None),
        ip_address=request.remote_addr if has_request_context() else None,
        summary=summary,
        details=details,
    )
    db.session.add(entry)
    return entry


# --- the log in words ------------------------------------------------------
#
# An entry is shown as a sentence in the reader's language, built when it is
# shown from its action, its details and the name it recorded (summary: the
# proposal's title, the account's e-mail, ...), never from stored prose, so a
# reader in English sees English. `_l` marks the texts for extraction; they are
# translated in `describe` (the catalogue of the request, app.core.i18n).

def _l(text: str) -> str:
    return text


# Short names of the actions, for the log's filter.
ACTION_LABELS = {
    "login": _l("Masuk"),
    "login_failed": _l("Gagal masuk"),
    "logout": _l("Keluar"),
    "password_changed": _l("Kata sandi diganti"),
    "user_created": _l("Akun dibuat"),
    "role_changed": _l("Peran diubah"),
    "user_activated": _l("Akun diaktifkan"),
    "user_deactivated": _l("Akun dinonaktifkan"),
    "password_reset": _l("Kata sandi diatur ulang"),
    "password_link_sent": _l("Tautan kata sandi dikirim"),
    "password_link_shown": _l("Tautan kata sandi ditampilkan"),
    "password_reset_unknown": _l("Atur ulang untuk email tak dikenal"),
    "password_set_by_link": _l("Kata sandi dibuat lewat tautan"),
    "user_updated": _l("Akun diubah"),
    "agency_created": _l("Perangkat daerah ditambahkan"),
    "agency_updated": _l("Perangkat daerah diubah"),
    "agencies_imported": _l("Perangkat daerah diimpor"),
    "cycle_created": _l("Siklus dibuat"),
    "cycle_updated": _l("Siklus diubah"),
    "proposal_created": _l("Usulan dibuat"),
    "proposal_updated": _l("Usulan diubah"),
    "proposal_status": _l("Status usulan"),
    "proposal_published": _l("Usulan dipublikasikan"),
    "proposal_unpublished": _l("Usulan ditarik dari etalase"),
    "comment_added": _l("Komentar"),
    "attachment_added": _l("Lampiran diunggah"),
    "review_created": _l("Penilaian"),
    "review_updated": _l("Penilaian diubah"),
    "review_conflict_declared": _l("Konflik kepentingan"),
    "event_created": _l("Kegiatan dibuat"),
    "event_updated": _l("Kegiatan diubah"),
    "event_cancelled": _l("Kegiatan dibatalkan"),
    "event_registered": _l("Pendaftaran kegiatan"),
    "event_registration_cancelled": _l("Pendaftaran dibatalkan"),
    "event_waitlist_promoted": _l("Naik dari daftar tunggu"),
    "event_attendance": _l("Kehadiran"),
    "declaration_signed": _l("Pernyataan ditandatangani"),
    "proposal_linked_to_event": _l("Usulan ditautkan ke kegiatan"),
    "proposal_unlinked_from_event": _l("Usulan dilepas dari kegiatan"),
    "lab_stage_changed": _l("Tahap lab diubah"),
    "maturity_indicators_loaded": _l("Indikator kematangan dimuat"),
    "maturity_indicator_saved": _l("Indikator kematangan disimpan"),
    "maturity_levels_changed": _l("Tingkat indikator diubah"),
    "maturity_claimed": _l("Klaim kematangan"),
    "maturity_verified": _l("Verifikasi kematangan"),
    "maturity_claim_public": _l("Klaim kematangan publik"),
    "maturity_set_imported": _l("Set indikator diimpor"),
    "region_claimed": _l("Klaim indikator daerah"),
    "region_verified": _l("Verifikasi indikator daerah"),
    "index_exported": _l("Paket indeks diunduh"),
    "yearly_report_created": _l("Laporan tahunan"),
    "yearly_report_updated": _l("Laporan tahunan diubah"),
    "result_indicator_added": _l("Indikator hasil ditambahkan"),
    "result_indicator_updated": _l("Indikator hasil diubah"),
    "result_indicator_deleted": _l("Indikator hasil dihapus"),
    "milestone_added": _l("Tonggak rencana aksi ditambahkan"),
    "milestone_updated": _l("Tonggak rencana aksi diubah"),
    "milestone_done": _l("Tonggak rencana aksi selesai"),
    "milestone_reopened": _l("Tonggak rencana aksi dibuka lagi"),
    "milestone_deleted": _l("Tonggak rencana aksi dihapus"),
    "event_report_created": _l("Laporan penutupan kegiatan"),
    "event_report_updated": _l("Laporan penutupan kegiatan diubah"),
    "competition_created": _l("Lomba dibuat"),
    "competition_updated": _l("Lomba diubah"),
    "competition_entered": _l("Usulan diikutkan lomba"),
    "competition_withdrawn": _l("Usulan ditarik dari lomba"),
    "reviewer_assigned": _l("Penilai ditugaskan"),
    "reviewer_unassigned": _l("Tugas penilai dicabut"),
    "reviewers_assigned_in_bulk": _l("Penilai ditugaskan sekaligus"),
    "competition_judged": _l("Hasil lomba dicatat"),
    "competition_results_published": _l("Pemenang lomba diumumkan"),
    "competition_results_withdrawn": _l("Pengumuman pemenang ditarik"),
    "competition_exported": _l("Penilaian lomba diunduh"),
    "coach_assigned": _l("Pendamping ditugaskan"),
    "coach_removed": _l("Pendamping dicabut"),
    "coaching_session_recorded": _l("Pendampingan dicatat"),
    "coaching_session_updated": _l("Catatan pendampingan diubah"),
    "action_item_added": _l("Tindak lanjut ditambahkan"),
    "action_item_done": _l("Tindak lanjut selesai"),
    "action_item_reopened": _l("Tindak lanjut dibuka lagi"),
    "readiness_assessed": _l("Penilaian kesiapan diisi"),
    "readiness_updated": _l("Penilaian kesiapan diubah"),
    "email_frequency_changed": _l("Pilihan email diubah"),
}

# One sentence per action; %(actor)s is the person, %(name)s what the entry
# recorded as its summary; other names come from the entry's details.
SENTENCES = {
    "login": _l("%(actor)s masuk"),
    "logout": _l("%(actor)s keluar"),
    "password_changed": _l("%(actor)s mengganti kata sandinya"),
    "user_created": _l("%(actor)s membuat akun %(name)s sebagai %(role)s"),
    "role_changed": _l("%(actor)s mengubah peran %(name)s dari %(old)s menjadi %(new)s"),
    "user_activated": _l("%(actor)s mengaktifkan akun %(name)s"),
    "user_deactivated": _l("%(actor)s menonaktifkan akun %(name)s"),
    "password_reset": _l("%(actor)s mengatur ulang kata sandi %(name)s"),
    "password_link_shown": _l("%(actor)s menampilkan tautan kata sandi akun %(name)s untuk disalin"),
    "password_reset_unknown": _l("%(actor)s menerima permintaan atur ulang kata sandi untuk email tak dikenal %(name)s"),
    "user_updated": _l("%(actor)s mengubah akun %(name)s"),
    "agency_created": _l("%(actor)s menambahkan perangkat daerah %(name)s"),
    "agency_updated": _l("%(actor)s mengubah perangkat daerah %(name)s"),
    "cycle_created": _l("%(actor)s membuat siklus %(name)s"),
    "cycle_updated": _l("%(actor)s mengubah siklus %(name)s"),
    "proposal_created": _l("%(actor)s membuat usulan “%(name)s”"),
    "proposal_updated": _l("%(actor)s mengubah usulan “%(name)s”"),
    "proposal_published": _l("%(actor)s memublikasikan usulan “%(name)s” ke etalase"),
    "proposal_unpublished": _l("%(actor)s menarik usulan “%(name)s” dari etalase"),
    "comment_added": _l("%(actor)s mengomentari usulan “%(name)s”"),
    "attachment_added": _l("%(actor)s mengunggah lampiran %(name)s"),
    "review_created": _l("%(actor)s menilai usulan “%(name)s” dengan skor %(score)s"),
    "review_updated": _l("%(actor)s mengubah penilaian usulan “%(name)s” menjadi skor %(score)s"),
    "review_conflict_declared": _l("%(actor)s menyatakan konflik kepentingan atas usulan “%(name)s”"),
    "event_created": _l("%(actor)s membuat kegiatan “%(name)s”"),
    "event_updated": _l("%(actor)s mengubah kegiatan “%(name)s”"),
    "event_cancelled": _l("%(actor)s membatalkan kegiatan “%(name)s”"),
    "event_registration_cancelled": _l("%(actor)s membatalkan pendaftarannya di kegiatan “%(name)s”"),
    "event_waitlist_promoted": _l("Seorang peserta naik dari daftar tunggu kegiatan “%(name)s”"),
    "declaration_signed": _l("%(actor)s menandatangani pernyataan kegiatan “%(name)s”"),
    "proposal_linked_to_event": _l("%(actor)s menautkan sebuah usulan ke kegiatan “%(name)s”"),
    "proposal_unlinked_from_event": _l("%(actor)s melepas sebuah usulan dari kegiatan “%(name)s”"),
    "lab_stage_changed": _l("%(actor)s memindahkan usulan “%(name)s” ke tahap %(new)s"),
    "maturity_indicators_loaded": _l("%(actor)s memuat %(added)s indikator kematangan baru"),
    "maturity_indicator_saved": _l("%(actor)s menyimpan indikator kematangan %(name)s"),
    "maturity_levels_changed": _l("%(actor)s mengubah tingkat indikator %(name)s"),
    "maturity_claimed": _l("%(actor)s mengklaim tingkat %(level)s pada indikator %(indicator)s"),
    "maturity_verified": _l("%(actor)s memverifikasi klaim indikator %(indicator)s: %(decision)s"),
    "maturity_set_imported": _l("%(actor)s mengimpor set indikator %(year)s (%(aspect)s): %(count)s indikator"),
    "region_claimed": _l("%(actor)s mengklaim tingkat %(level)s pada indikator daerah %(indicator)s"),
    "region_verified": _l("%(actor)s memverifikasi klaim indikator daerah %(indicator)s: %(decision)s"),
    "index_exported": _l("%(actor)s mengunduh %(file)s paket Indeks Inovasi Daerah %(year)s"),
    "yearly_report_created": _l("%(actor)s melaporkan inovasi “%(name)s” tahun %(year)s: %(status)s"),
    "yearly_report_updated": _l("%(actor)s mengubah laporan tahun %(year)s inovasi “%(name)s”: %(status)s"),
    "result_indicator_added": _l("%(actor)s menambahkan indikator hasil “%(indicator)s” pada inovasi “%(name)s”"),
    "result_indicator_updated": _l("%(actor)s mengubah indikator hasil “%(indicator)s” pada inovasi “%(name)s”"),
    "result_indicator_deleted": _l("%(actor)s menghapus indikator hasil “%(indicator)s” dari inovasi “%(name)s”"),
    "milestone_added": _l("%(actor)s menambahkan tonggak “%(what)s” pada rencana aksi “%(name)s”"),
    "milestone_updated": _l("%(actor)s mengubah tonggak “%(what)s” pada rencana aksi “%(name)s”"),
    "milestone_done": _l("%(actor)s menandai tonggak “%(what)s” dari rencana aksi “%(name)s” selesai"),
    "milestone_reopened": _l("%(actor)s membuka lagi tonggak “%(what)s” dari rencana aksi “%(name)s”"),
    "milestone_deleted": _l("%(actor)s menghapus tonggak “%(what)s” dari rencana aksi “%(name)s”"),
    "event_report_created": _l("%(actor)s menulis laporan penutupan kegiatan “%(name)s”"),
    "event_report_updated": _l("%(actor)s mengubah laporan penutupan kegiatan “%(name)s”"),
    "competition_created": _l("%(actor)s membuat lomba “%(name)s”"),
    "competition_updated": _l("%(actor)s mengubah lomba “%(name)s”"),
    "competition_entered": _l("%(actor)s mengikutkan usulan “%(name)s” ke lomba %(competition)s, kategori %(track)s"),
    "competition_withdrawn": _l("%(actor)s menarik usulan “%(name)s” dari lomba %(competition)s"),
    "reviewer_assigned": _l("%(actor)s menugaskan %(reviewer)s menilai usulan “%(name)s”"),
    "reviewer_unassigned": _l("%(actor)s mencabut tugas %(reviewer)s menilai usulan “%(name)s”"),
    "reviewers_assigned_in_bulk": _l("%(actor)s menugaskan penilai sekaligus pada lomba “%(name)s”: %(added)s tugas baru"),
    "competition_judged": _l("%(actor)s mencatat peringkat akhir dan pemenang lomba “%(name)s”"),
    "competition_results_published": _l("%(actor)s mengumumkan pemenang lomba “%(name)s”"),
    "competition_results_withdrawn": _l("%(actor)s menarik pengumuman pemenang lomba “%(name)s”"),
    "competition_exported": _l("%(actor)s mengunduh penilaian lomba “%(name)s”"),
    "coach_assigned": _l("%(actor)s menugaskan %(coach)s mendampingi %(name)s pada siklus %(year)s"),
    "coach_removed": _l("%(actor)s mencabut %(coach)s sebagai pendamping %(name)s pada siklus %(year)s"),
    "coaching_session_recorded": _l("%(actor)s mencatat pendampingan %(name)s tanggal %(date)s"),
    "coaching_session_updated": _l("%(actor)s mengubah catatan pendampingan %(name)s tanggal %(date)s"),
    "action_item_added": _l("%(actor)s menambahkan tindak lanjut “%(name)s” untuk %(agency)s"),
    "action_item_done": _l("%(actor)s menandai tindak lanjut “%(name)s” selesai"),
    "action_item_reopened": _l("%(actor)s membuka lagi tindak lanjut “%(name)s”"),
    "readiness_assessed": _l("%(actor)s mengisi penilaian kesiapan %(name)s tahun %(year)s"),
    "readiness_updated": _l("%(actor)s mengubah penilaian kesiapan %(name)s tahun %(year)s"),
    "email_frequency_changed": _l("%(actor)s mengubah pilihan email akun %(name)s dari %(old)s menjadi %(new)s"),
    # entries from before the counts were kept in the details: the summary recorded then
    "agencies_imported": _l("%(actor)s mengimpor perangkat daerah (%(name)s)"),
}

# Status changes read as what the person did ("menyetujui usulan ...").
STATUS_SENTENCES = {
    "submitted": _l("%(actor)s mengajukan usulan “%(name)s”"),
    "in_review": _l("Usulan “%(name)s” mulai dinilai setelah penilaian pertama dari %(actor)s"),
    "approved": _l("%(actor)s menyetujui usulan “%(name)s”"),
    "rejected": _l("%(actor)s menolak usulan “%(name)s”"),
    "revision_requested": _l("%(actor)s meminta revisi usulan “%(name)s”"),
    "implemented": _l("%(actor)s menandai usulan “%(name)s” sudah diterapkan"),
    "withdrawn": _l("%(actor)s menarik usulan “%(name)s”"),
}
RESUBMITTED = _l("%(actor)s mengajukan ulang usulan “%(name)s” setelah revisi")
STATUS_OTHER = _l("%(actor)s mengubah status usulan “%(name)s” dari %(old)s menjadi %(new)s")
LOGIN_FAILED = {
    "unknown_email": _l("Percobaan masuk gagal dengan email tak dikenal %(name)s"),
    "inactive": _l("Percobaan masuk gagal ke akun nonaktif %(name)s"),
    "wrong_password": _l("Percobaan masuk gagal ke akun %(name)s: kata sandi salah"),
}
LOGIN_FAILED_OTHER = _l("Percobaan masuk gagal dengan email %(name)s")
REGISTERED = {
    "registered": _l("%(actor)s mendaftar ke kegiatan “%(name)s”"),
    "waitlisted": _l("%(actor)s masuk daftar tunggu kegiatan “%(name)s”"),
}
ATTENDANCE = {
    True: _l("%(actor)s mencatat %(name)s hadir"),
    False: _l("%(actor)s membatalkan catatan hadir %(name)s"),
}
CLAIM_PUBLIC = {
    True: _l("%(actor)s menampilkan klaim indikator %(indicator)s ke publik"),
    False: _l("%(actor)s menyembunyikan klaim indikator %(indicator)s dari publik"),
}
# The link that lets a person make their own password: an admin's invitation or "forgot password".
PASSWORD_LINK_SENT = {
    "invite": _l("%(actor)s mengirim undangan ke %(name)s"),
    "reset": _l("%(actor)s mengirim tautan atur ulang kata sandi ke %(name)s"),
}
PASSWORD_SET_BY_LINK = {
    "invite": _l("%(actor)s membuat kata sandi lewat tautan undangan"),
    "reset": _l("%(actor)s mengatur ulang kata sandinya lewat tautan"),
}
INVITED = _l("%(actor)s membuat akun %(name)s sebagai %(role)s dan mengundangnya membuat kata sandi")
AGENCIES_IMPORTED = _l("%(actor)s mengimpor perangkat daerah: %(created)s baru, %(updated)s diperbarui")
UNKNOWN_ACTION = _l("%(actor)s: %(action)s %(name)s")
NOBODY = _l("Sistem")


def action_label(action: str) -> str:
    """The short name of an action in the reader's language (the code when it has none)."""
    text = ACTION_LABELS.get(action)
    return gettext(text) if text is not None else action


# The index's aspects as a sentence names them (the maturity package owns the indicator sets).
ASPECT_WORDS = {"innovation": _l("satuan inovasi"), "region": _l("satuan pemerintah daerah")}


def _indicator(details: dict) -> str:
    """A maturity indicator by the name it had (entries before the name was kept: its code)."""
    return details.get("indicator_name") or details.get("indicator", "")


def describe(entry: AuditEntry) -> str:
    """The entry as one sentence in the reader's language ("Admin A menyetujui usulan “X”").

    Reads only the entry and its actor (eager-loaded by the log), so a page of
    sentences costs no query of its own."""
    details = entry.details or {}
    words = {
        "actor": entry.actor.name if entry.actor is not None else gettext(NOBODY),
        "name": entry.summary or "",
        "action": entry.action,
    }
    action = entry.action
    if action == "proposal_status":
        old, new = details.get("from"), details.get("to")
        words.update(old=label("status", old), new=label("status", new))
        if new == "submitted" and old == "revision_requested":
            return gettext(RESUBMITTED, **words)
        return gettext(STATUS_SENTENCES.get(new, STATUS_OTHER), **words)
    if action == "login_failed":
        return gettext(LOGIN_FAILED.get(details.get("reason"), LOGIN_FAILED_OTHER), **words)
    if action == "event_registered":
        return gettext(REGISTERED.get(details.get("status"), REGISTERED["registered"]), **words)
    if action == "event_attendance":
        return gettext(ATTENDANCE[bool(details.get("attended", True))], **words)
    if action == "maturity_claim_public":
        return gettext(CLAIM_PUBLIC[bool(details.get("public"))], indicator=_indicator(details), **words)
    if action == "password_link_sent":
        return gettext(PASSWORD_LINK_SENT.get(details.get("kind"), PASSWORD_LINK_SENT["reset"]), **words)
    if action == "password_set_by_link":
        return gettext(PASSWORD_SET_BY_LINK.get(details.get("kind"), PASSWORD_SET_BY_LINK["reset"]), **words)
    if action == "user_created" and details.get("invited"):
        return gettext(INVITED, role=label("role", details.get("role")), **words)
    if action == "agencies_imported" and "created" in details:
        return gettext(AGENCIES_IMPORTED, created=details["created"], updated=details.get("updated", 0), **words)
    if action == "role_changed":
        words.update(old=label("role", details.get("old")), new=label("role", details.get("new")))
    elif action == "user_created":
        words["role"] = label("role", details.get("role"))
    elif action == "email_frequency_changed":
        words.update(old=label("email_frequency", details.get("old")), new=label("email_frequency", details.get("new")))
    elif action == "lab_stage_changed":
        words["new"] = label("lab_stage", details.get("new"))
    elif action in ("review_created", "review_updated"):
        score = details.get("weighted_score")
        words["score"] = "–" if score is None else format_decimal(score, format="#,##0.0")
    elif action in ("maturity_indicators_loaded", "reviewers_assigned_in_bulk"):
        words["added"] = format_decimal(details.get("added", 0))
    elif action in ("competition_entered", "competition_withdrawn"):
        words.update(competition=details.get("competition", ""), track=details.get("track", ""))
    elif action in ("reviewer_assigned", "reviewer_unassigned"):
        words["reviewer"] = details.get("reviewer", "")
    elif action in ("coach_assigned", "coach_removed"):
        words.update(coach=details.get("coach", ""), year=details.get("year", ""))
    elif action in ("coaching_session_recorded", "coaching_session_updated"):
        day = details.get("date")
        words["date"] = format_date(date.fromisoformat(day)) if day else ""
    elif action == "action_item_added":
        words["agency"] = details.get("agency", "")
    elif action in ("readiness_assessed", "readiness_updated"):
        words["year"] = details.get("year", "")
    elif action in ("maturity_claimed", "region_claimed"):
        words.update(level=details.get("level", ""), indicator=_indicator(details))
    elif action == "maturity_set_imported":
        words.update(year=details.get("year", ""), count=format_decimal(details.get("indicators", 0)),
                     aspect=str(ASPECT_WORDS.get(details.get("aspect"), "")))
    elif action == "index_exported":
        words.update(file=details.get("file", ""), year=details.get("year", ""))
    elif action.startswith("milestone_"):
        words["what"] = details.get("what", "")
    elif action.startswith("result_indicator_"):
        words["indicator"] = details.get("indicator_name", "")
    elif action in ("yearly_report_created", "yearly_report_updated"):
        words.update(year=details.get("year", ""), status=label("report_status", details.get("status")))
    elif action in ("maturity_verified", "region_verified"):
        words.update(indicator=_indicator(details), decision=label("claim_status", details.get("decision")))
    sentence = SENTENCES.get(action)
    if sentence is None:
        return gettext(UNKNOWN_ACTION, **words).strip()
    return gettext(sentence, **words)


@dataclass
class LogLine:
    """One line of the log: an entry, or a run of one person's successive logins
    folded into one ("masuk 5 kali"), newest first."""

    entry: AuditEntry
    count: int = 1
    earliest: datetime | None = None

    @property
    def sentence(self) -> str:
        if self.count > 1:
            actor = self.entry.actor.name if self.entry.actor is not None else gettext(NOBODY)
            return ngettext("%(actor)s masuk %(num)d kali", "%(actor)s masuk %(num)d kali", self.count, actor=actor)
        return describe(self.entry)


def folded_lines(entries: Select) -> Select:
    """The log's lines from `entries`, a filtered select of AuditEntry's id, actor_id,
    action and created_at: one row per line (last_id, count, earliest), newest first,
    each run of one person's successive logins one line.

    Folded in the database (a window over the filtered entries marks where a run
    starts; a running sum numbers the runs), so a run is one line even across page
    boundaries and the page and its total are counted in lines."""
    matched = entries.subquery("matched")
    previous = {"order_by": matched.c.id}
    starts = case(
        (and_(matched.c.action == "login", func.lag(matched.c.action).over(**previous) == "login",
              func.lag(matched.c.actor_id).over(**previous) == matched.c.actor_id), 0),
        else_=1,
    )
    marked = select(matched.c.id, matched.c.created_at, starts.label("starts")).subquery("marked")
    numbered = select(marked.c.id, marked.c.created_at,
                      func.sum(marked.c.starts).over(order_by=marked.c.id).label("run")).subquery("numbered")
    last_id = func.max(numbered.c.id).label("last_id")
    return (select(last_id, func.count().label("count"), func.min(numbered.c.created_at).label("earliest"))
            .group_by(numbered.c.run).order_by(last_id.desc()))


def log_lines(rows) -> list[LogLine]:
    """The rows of `folded_lines` as LogLines with their newest entry and its actor (one query)."""
    rows = list(rows)
    if not rows:
        return []
    entries = {entry.id: entry for entry in db.session.scalars(
        select(AuditEntry).options(joinedload(AuditEntry.actor)).where(AuditEntry.id.in_([r.last_id for r in rows])))}
    return [LogLine(entries[row.last_id], count=row.count, earliest=row.earliest) for row in rows]
