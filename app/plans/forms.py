"""Forms of a proposal's action plan."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange

from app.models import Milestone
from app.web.inputs import INT_MAX, DateInRange, text_limit


class MilestoneForm(FlaskForm):
    """One milestone: what is to be done and by when. Prefixed per milestone ("new", "m<id>")
    so the forms of one page differ."""

    what = StringField(_l("Apa yang dikerjakan"), validators=[InputRequired(_l("Isi apa yang akan dikerjakan.")),
                                                               text_limit(Milestone.what)],
                       description=_l("Misalnya “Uji coba di dua kelurahan” atau “SK tim inovasi terbit”."))
    due_on = DateField(_l("Tanggal target"), validators=[InputRequired(_l("Isi tanggal target.")), DateInRange()])
    # The version the form was read at: an edit of a milestone changed since is refused.
    version = HiddenField()


def milestone_form(milestone: Milestone | None = None, submitted: bool = False) -> MilestoneForm:
    """The form adding a milestone (none given) or editing `milestone`, showing its values unless `submitted`."""
    prefix = "new" if milestone is None else f"m{milestone.id}"
    if submitted:
        return MilestoneForm(prefix=prefix)
    if milestone is None:
        return MilestoneForm(formdata=None, prefix=prefix)
    return MilestoneForm(formdata=None, prefix=prefix, what=milestone.what, due_on=milestone.due_on,
                         version=str(milestone.version))


class DoneForm(FlaskForm):
    """Mark a milestone done (with its evidence) or open it again."""

    # Not checked against its choices (a new upload may come instead); kept to what an id can be.
    attachment_id = SelectField(_l("Bukti dari lampiran usulan"), coerce=int, validate_choice=False, default=0,
                                validators=[NumberRange(0, INT_MAX)])
    file = FileField(_l("Atau unggah bukti baru"), description=_l("PDF, PNG, JPEG, DOCX atau XLSX."))
    version = HiddenField()


def done_form(milestone: Milestone, attachments=(), submitted: bool = False) -> DoneForm:
    """The mark-done form of `milestone`, offering the proposal's `attachments` as its evidence."""
    kwargs = {} if submitted else {"formdata": None, "version": str(milestone.version),
                                   "attachment_id": milestone.attachment_id or 0}
    form = DoneForm(prefix=f"x{milestone.id}", **kwargs)
    form.attachment_id.choices = [(0, _l("— tanpa bukti, atau unggah berkas di bawah —"))] + [
        (attachment.id, attachment.original_name) for attachment in attachments]
    return form


class DeleteMilestoneForm(FlaskForm):
    """The delete button of a milestone: its CSRF token and the version it was shown at."""

    version = HiddenField()
