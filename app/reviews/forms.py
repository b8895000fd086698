"""Forms of the review panel: rubric review, decision, conflict, vote, publish."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Optional

from app.core.labels import choices
from app.models import (
    NOTE_REQUIRED_STATUSES,
    RUBRIC,
    ConflictDeclaration,
    Review,
    StatusChange,
)
from app.web.inputs import text_limit

# Criteria of the KIPP 2023 rubric, in DESIGN order, with a hint on what to judge.
CRITERIA = {
    "background": (_l("Latar belakang dan tujuan"), _l("Masalah jelas dan tujuan terukur.")),
    "novelty": (_l("Kebaruan"), _l("Cara baru dibanding layanan sebelumnya atau di daerah lain.")),
    "implementation": (_l("Implementasi"), _l("Sudah dijalankan, dengan langkah yang jelas.")),
    "significance": (_l("Signifikansi"), _l("Dampak nyata bagi warga dan layanan publik.")),
    "adaptability": (_l("Adaptabilitas"), _l("Dapat direplikasi oleh perangkat daerah atau daerah lain.")),
    "resources": (_l("Sumber daya"), _l("Anggaran, SDM dan sarana yang dipakai tepat guna.")),
    "sustainability": (_l("Keberlanjutan"), _l("Ada dasar hukum, anggaran dan tim yang menjamin keberlanjutan.")),
}
SCORE_CHOICES = [(1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")]
DECISION_LABELS = {
    "approved": _l("Setujui"),
    "revision_requested": _l("Minta revisi"),
    "rejected": _l("Tolak"),
    "implemented": _l("Tandai sudah diterapkan"),
}


class CriterionField(RadioField):
    """A rubric criterion scored 1–5 whose every message names the criterion, so the
    error summary reads "Beri nilai ... Kebaruan", not one anonymous line per field;
    a value outside 1–5 (or not a number) gets its own message instead of WTForms'
    English "Not a valid choice"."""

    def __init__(self, criterion, weight: int, hint, **kwargs):
        self.missing_message = _l("Beri nilai 1 sampai 5 untuk kriteria %(criterion)s.", criterion=criterion)
        self.wrong_message = _l("Nilai kriteria %(criterion)s harus angka 1 sampai 5.", criterion=criterion)
        super().__init__(
            _l("%(criterion)s (bobot %(weight)d)", criterion=criterion, weight=weight),
            choices=SCORE_CHOICES, coerce=int, description=hint,
            validators=[InputRequired(self.missing_message)], **kwargs,
        )

    def post_validate(self, form, validation_stopped):
        # WTForms' public hook after the validators: one named message in place of
        # whatever the coercion, the choice check and InputRequired said.
        if self.errors:
            given = any((value or "").strip() for value in (self.raw_data or []))
            self.errors = [self.wrong_message if given else self.missing_message]


def _score_field(name: str) -> CriterionField:
    text, hint = CRITERIA[name]
    return CriterionField(text, RUBRIC[name], hint)


class ReviewForm(FlaskForm):
    """The rubric: seven criteria scored 1–5, a recommendation and a comment.

    Built with prefix "r<proposal id>" so several forms can be open on one page
    (the review queue) with unique field ids.
    """

    score_background = _score_field("background")
    score_novelty = _score_field("novelty")
    score_implementation = _score_field("implementation")
    score_significance = _score_field("significance")
    score_adaptability = _score_field("adaptability")
    score_resources = _score_field("resources")
    score_sustainability = _score_field("sustainability")
    recommendation = RadioField(_l("Rekomendasi"), choices=choices("recommendation"),
                                validators=[InputRequired(_l("Pilih rekomendasi."))])
    comment = TextAreaField(_l("Komentar untuk tim lab"), description=_l(
        "Alasan penilaian Anda: kekuatan, kelemahan, dan saran perbaikan."),
        validators=[InputRequired(_l("Tuliskan komentar untuk penilaian Anda.")), text_limit(Review.comment)])

    def score_fields(self):
        return [getattr(self, f"score_{name}") for name in RUBRIC]

    def scores(self) -> dict[str, int]:
        return {name: getattr(self, f"score_{name}").data for name in RUBRIC}


class DecisionForm(FlaskForm):
    """An admin's decision; prefixed "d<proposal id>" like the other panel forms."""

    decision = RadioField(_l("Keputusan"), choices=list(DECISION_LABELS.items()),
                          validators=[InputRequired(_l("Pilih keputusan."))])
    note = TextAreaField(_l("Catatan untuk perangkat daerah"), description=_l(
        "Wajib untuk permintaan revisi dan penolakan: apa yang perlu diperbaiki atau mengapa ditolak."),
        validators=[text_limit(StatusChange.note)])

    def validate_note(self, field):
        from wtforms.validators import ValidationError

        if self.decision.data in NOTE_REQUIRED_STATUSES and not (field.data or "").strip():
            raise ValidationError(_l("Tuliskan catatan: apa yang perlu diperbaiki atau mengapa usulan ditolak."))


class ConflictForm(FlaskForm):
    reason = TextAreaField(_l("Alasan"), description=_l("Misalnya: saya pernah mendampingi penyusunan usulan ini."),
                           validators=[Optional(), text_limit(ConflictDeclaration.reason)])


class VoteForm(FlaskForm):
    # "1" to support, "0" to withdraw support: a double click does not undo itself.
    want = HiddenField(validators=[Optional(), AnyOf(["0", "1"])])
    next = HiddenField()


class PublishForm(FlaskForm):
    published = HiddenField(validators=[InputRequired(), AnyOf(["0", "1"])])
