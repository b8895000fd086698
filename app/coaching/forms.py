"""Forms of coaching: assigning coaches, a session with its first action items, one more item,
marking an item, the readiness self-assessment."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, Form, FormField, HiddenField, RadioField, SelectField, SelectMultipleField
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.coaching.readiness import questions
from app.coaching.services import ITEMS_AT_ONCE
from app.models import READINESS_MAX, READINESS_MIN, ActionItem, CoachingSession, ReadinessAnswer
from app.web.inputs import INT_MAX, DateInRange, text_limit


class CheckboxesField(SelectMultipleField):
    """A multiple choice drawn as checkboxes (the checkboxes macro draws it)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AssignCoachForm(FlaskForm):
    coach_id = SelectField(_l("Pendamping"), coerce=int, validators=[InputRequired(_l("Pilih pendamping."))],
                           description=_l("Penilai yang aktif, dari luar perangkat daerah yang didampingi."))
    agency_ids = CheckboxesField(_l("Perangkat daerah"), coerce=int,
                                 validators=[InputRequired(_l("Pilih paling sedikit satu perangkat daerah."))])


class ActionForm(FlaskForm):
    """A button that only needs its CSRF token (remove a coach)."""


class ItemForm(Form):
    """One action item row (inside the session form, or alone on the session page)."""

    what = StringField(_l("Tindak lanjut"), validators=[text_limit(ActionItem.what)])
    # Checked against the agency's people by the service, which names the row in its message.
    owner_id = SelectField(_l("Penanggung jawab"), coerce=int, validate_choice=False,
                           validators=[Optional(), NumberRange(0, INT_MAX)])
    due_on = DateField(_l("Tenggat"), validators=[Optional(), DateInRange()])


def _owner_choices(people) -> list[tuple[int, str]]:
    return [(0, "")] + [(person.id, person.name) for person in people]


class SessionForm(FlaskForm):
    held_on = DateField(_l("Tanggal pendampingan"), validators=[InputRequired(_l("Isi tanggal pendampingan.")),
                                                                DateInRange()],
                        description=_l("Dicatat setelah berlangsung: paling lambat hari ini."))
    proposal_ids = CheckboxesField(_l("Usulan yang dibahas"), coerce=int)
    notes = TextAreaField(_l("Catatan"), validators=[text_limit(CoachingSession.notes)], render_kw={"rows": 6})
    items = FieldList(FormField(ItemForm), min_entries=ITEMS_AT_ONCE, max_entries=ITEMS_AT_ONCE)

    def fill_choices(self, proposals, people, with_items: bool = True) -> "SessionForm":
        self.proposal_ids.choices = [(p.id, p.title) for p in proposals]
        if with_items:
            for row in self.items:
                row.owner_id.choices = _owner_choices(people)
        return self


class EditSessionForm(SessionForm):
    """The same fields without the new action items (added on the session page)."""

    items = None


class AddItemForm(FlaskForm):
    items = FieldList(FormField(ItemForm), min_entries=1, max_entries=1)

    def fill_choices(self, people) -> "AddItemForm":
        for row in self.items:
            row.owner_id.choices = _owner_choices(people)
        return self


class MarkForm(FlaskForm):
    done = HiddenField()
    next = HiddenField()


def _scale(question) -> list[tuple[str, str]]:
    """1 to 5, the ends saying what they mean."""
    labels = {READINESS_MIN: f"{READINESS_MIN} — {question.low}", READINESS_MAX: f"{READINESS_MAX} — {question.high}"}
    return [(str(n), labels.get(n, str(n))) for n in range(READINESS_MIN, READINESS_MAX + 1)]


def readiness_form_class():
    """The questionnaire: per question a 1–5 radio group and an optional note."""

    class ReadinessForm(FlaskForm):
        def answers(self) -> dict[str, tuple[int, str]]:
            return {q.code: (int(self[f"{q.code}_score"].data), self[f"{q.code}_note"].data or "") for q in questions()}

    for question in questions():
        setattr(ReadinessForm, f"{question.code}_score", RadioField(
            question.title, choices=_scale(question), validators=[InputRequired(_l("Pilih nilai 1 sampai 5."))]))
        setattr(ReadinessForm, f"{question.code}_note", TextAreaField(
            _l("Catatan tentang %(topic)s", topic=question.title.lower()), validators=[text_limit(ReadinessAnswer.note)],
            render_kw={"rows": 2}))
    return ReadinessForm
