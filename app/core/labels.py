"""Translated labels for the lower-case codes stored in the database."""
from flask_babel import lazy_gettext

from app.core.i18n import catalogue


def _l(text: str) -> str:
    """Marks a label for extraction (babel.cfg's keyword _l); it is translated where it is shown."""
    return text


# The Indonesian source text of each label: translated on use by label(), or
# lazily in LABELS for form choices made at import time.
LABEL_TEXTS = {
    "role": {"innovator": _l("Inovator"), "reviewer": _l("Penilai"), "admin": _l("Admin")},
    "agency_kind": {"opd": _l("OPD"), "kecamatan": _l("Kecamatan"), "kelurahan": _l("Kelurahan")},
    "status": {
        "draft": _l("Draf"),
        "submitted": _l("Diajukan"),
        "in_review": _l("Dinilai"),
        "revision_requested": _l("Perlu revisi"),
        "approved": _l("Disetujui"),
        "rejected": _l("Ditolak"),
        "implemented": _l("Diterapkan"),
        "withdrawn": _l("Ditarik"),
    },
    "lab_stage": {
        "drum_up": _l("Drum-up"),
        "diagnose": _l("Diagnose"),
        "design": _l("Design"),
        "deliver": _l("Deliver"),
        "display": _l("Display"),
    },
    "maturity": {"inisiatif": _l("Inisiatif"), "uji_coba": _l("Uji coba"), "penerapan": _l("Penerapan")},
    "initiator": {
        "kepala_daerah": _l("Kepala daerah"),
        "dprd": _l("Anggota DPRD"),
        "opd": _l("OPD"),
        "asn": _l("ASN"),
        "masyarakat": _l("Masyarakat"),
    },
    "innovation_type": {"digital": _l("Digital"), "non_digital": _l("Non-digital")},
    "form": {
        "pelayanan_publik": _l("Inovasi pelayanan publik"),
        "tata_kelola": _l("Inovasi tata kelola pemerintahan daerah"),
        "lainnya": _l("Inovasi daerah lainnya"),
    },
    "event_kind": {
        "sosialisasi": _l("Sosialisasi"),
        "drum_up": _l("Drum-up"),
        "diagnose": _l("Diagnose"),
        "design": _l("Design"),
        "deliver": _l("Deliver"),
        "display": _l("Display (ekspo inovasi)"),
        "coaching": _l("Klinik pendampingan"),
    },
    "registration_status": {
        "registered": _l("Terdaftar"),
        "waitlisted": _l("Daftar tunggu"),
        "cancelled": _l("Dibatalkan"),
        "attended": _l("Hadir"),
    },
    "recommendation": {"approve": _l("Setujui"), "revise": _l("Minta revisi"), "reject": _l("Tolak")},
    "claim_status": {
        "missing": _l("Belum dimulai"),
        "pending": _l("Menunggu verifikasi"),
        "accepted": _l("Terverifikasi"),
        "downgraded": _l("Diturunkan"),
        "needs_evidence": _l("Perlu bukti lebih baik"),
    },
    "report_status": {"continuing": _l("Berlanjut"), "developed": _l("Dikembangkan"), "stopped": _l("Dihentikan")},
    "direction": {"up": _l("Makin tinggi makin baik"), "down": _l("Makin rendah makin baik")},
    "email_frequency": {
        "immediate": _l("Segera"),
        "daily": _l("Ringkasan harian"),
        "weekly": _l("Ringkasan mingguan"),
        "none": _l("Tanpa email"),
    },
}


LABELS = {kind: {code: lazy_gettext(text) for code, text in codes.items()} for kind, codes in LABEL_TEXTS.items()}


def label(kind: str, code: str | None, translations=None) -> str:
    """The translated label of a code, or the code itself if it has none. Templates pass
    the catalogue of their rendering (`translations`), found once for the whole page."""
    if code is None:
        return ""
    text = LABEL_TEXTS.get(kind, {}).get(code)
    return (translations or catalogue()).ugettext(text) if text is not None else code


def choices(kind: str) -> list[tuple[str, str]]:
    """(code, label) pairs for a select field, in the order defined above."""
    return [(code, text) for code, text in LABELS[kind].items()]
