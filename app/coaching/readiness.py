"""The readiness self-assessment's questions (Diagnose), as data in one place: each code of
app.models.READINESS_QUESTIONS with its question and what a 1 and a 5 mean. Translated where
shown (the texts are marked for extraction with _l)."""
from typing import NamedTuple

from app.core.i18n import gettext
from app.models import READINESS_QUESTIONS


def _l(text: str) -> str:
    return text


class Question(NamedTuple):
    code: str
    title: str
    low: str  # what a 1 means
    high: str  # what a 5 means

    @property
    def translated(self) -> "Question":
        return Question(self.code, gettext(self.title), gettext(self.low), gettext(self.high))


QUESTIONS = (
    Question("leadership", _l("Komitmen pimpinan"),
             _l("Pimpinan belum mengetahui rencana inovasi"),
             _l("Pimpinan memimpin sendiri dan menetapkannya dalam keputusan")),
    Question("team", _l("Tim inovasi"),
             _l("Belum ada tim; satu orang bekerja sendiri"),
             _l("Tim ditetapkan dengan SK, perannya jelas dan punya waktu")),
    Question("budget", _l("Anggaran"),
             _l("Belum ada anggaran sama sekali"),
             _l("Anggaran tersedia dalam DPA untuk uji coba dan penerapan")),
    Question("data", _l("Data"),
             _l("Data masalah dan layanan belum dikumpulkan"),
             _l("Data awal lengkap, terukur dan diperbarui rutin")),
    Question("partners", _l("Mitra"),
             _l("Belum ada mitra di luar perangkat daerah"),
             _l("Mitra (warga, kampus, swasta) terlibat dengan kesepakatan tertulis")),
)
assert tuple(q.code for q in QUESTIONS) == READINESS_QUESTIONS, "one question per code of the model"


def questions() -> list[Question]:
    """The questions in the reader's language."""
    return [question.translated for question in QUESTIONS]
