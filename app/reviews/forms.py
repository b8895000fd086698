"""Forms of the review panel: rubric review, decision, conflict, vote, publish."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Optional

from app.core.labels import choices
from app.models import (
    NOTE_REQUIRED_STATUSES,
    ConflictDeclaration,
    Review,
    Rubric,
    StatusChange,
)
from app.web.inputs import text_limit

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


class ReviewForm(FlaskForm):
    """A rubric review: each criterion of the rubric scored 1–5 (fields added per rubric by
    `review_form_class`), a recommendation and a comment.

    Built with prefix "r<proposal id>" so several forms can be open on one page
    (the review queue) with unique field ids.
    """

    criterion_codes: tuple[str, ...] = ()

    def score_fields(self):
        return [getattr(self, f"score_{code}") for code in self.criterion_codes]

    def scores(self) -> dict[str, int]:
        return {code: getattr(self, f"score_{code}").data for code in self.criterion_codes}


def review_form_class(rubric: Rubric) -> type[ReviewForm]:
    """The review form of one rubric version: a field score_<code> per criterion, in the
    rubric's order, labelled in the reader's language (built per request, as labels are)."""
    fields = {f"score_{c.code}": CriterionField(c.text, c.weight, c.hint) for c in rubric.criteria}
    # Made after the criteria: WTForms orders fields (and the error summary) by creation.
    fields["recommendation"] = RadioField(_l("Rekomendasi"), choices=choices("recommendation"),
                                          validators=[InputRequired(_l("Pilih rekomendasi."))])
    fields["comment"] = TextAreaField(_l("Komentar untuk tim lab"), description=_l(
        "Alasan penilaian Anda: kekuatan, kelemahan, dan saran perbaikan."),
        validators=[InputRequired(_l("Tuliskan komentar untuk penilaian Anda.")), text_limit(Review.comment)])
    return type("RubricReviewForm", (ReviewForm,), {
        "criterion_codes": tuple(c.code for c in rubric.criteria), **fields})


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
