"""Forms for writing a proposal, commenting, uploading evidence and status moves."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from app.core.affairs import affair_choices
from app.core.labels import choices
from app.models import Comment, Proposal, StatusChange
from app.web.inputs import DateInRange, text_limit


def _blank(kind_choices, blank=_l("— pilih —")):
    return [("", blank)] + list(kind_choices)


class ProposalForm(FlaskForm):
    """The proposal, in the sections of the national innovation profile.

    Only the title is needed to save a draft; everything else is checked when
    the proposal is submitted (status.submission_problems).
    """

    # Identity
    title = StringField(_l("Judul inovasi"),
                        validators=[DataRequired(_l("Isi judul inovasi.")), text_limit(Proposal.title)])
    agency = SelectField(_l("Perangkat daerah"), validators=[Optional()],
                         description=_l("Admin dapat menulis usulan atas nama perangkat daerah mana pun."))
    summary = TextAreaField(_l("Ringkasan"), validators=[Optional(), text_limit(Proposal.summary)],
                            description=_l("Paling banyak 200 kata: apa inovasinya, untuk siapa, apa bedanya."))
    replicates = SelectField(_l("Mereplikasi inovasi"), coerce=int, validators=[Optional()],
                             description=_l("Jika inovasi ini meniru inovasi perangkat daerah lain, pilih inovasi "
                                            "tersebut."))
    # Narrative
    problem = TextAreaField(_l("Permasalahan / latar belakang"), validators=[Optional(), text_limit(Proposal.problem)])
    design = TextAreaField(_l("Rancang bangun"), validators=[Optional(), text_limit(Proposal.design)],
                           description=_l("Paling sedikit 300 kata: cara kerja inovasi, tahapan, pelaku, sumber daya."))
    goals = TextAreaField(_l("Tujuan"), validators=[Optional(), text_limit(Proposal.goals)])
    benefits = TextAreaField(_l("Manfaat"), validators=[Optional(), text_limit(Proposal.benefits)])
    results = TextAreaField(_l("Hasil inovasi"), validators=[Optional(), text_limit(Proposal.results)],
                            description=_l("Hasil yang sudah atau akan dicapai, sebaiknya dengan angka."))
    # Classification
    maturity = SelectField(_l("Tahapan inovasi"), validators=[Optional()])
    initiator = SelectField(_l("Inisiator"), validators=[Optional()])
    innovation_type = SelectField(_l("Jenis inovasi"), validators=[Optional()])
    form = SelectField(_l("Bentuk inovasi"), validators=[Optional()])
    affair = SelectField(_l("Urusan pemerintahan"), validators=[Optional()])
    lab_stage = SelectField(_l("Tahap laboratorium"), validators=[InputRequired()],
                            description=_l("Tahap metode Laboratorium Inovasi LAN yang sedang dijalani."))
    # Dates and contact
    trial_date = DateField(_l("Tanggal uji coba"), validators=[Optional(), DateInRange()],
                           description=_l("Wajib bila tahapan inovasi uji coba atau penerapan."))
    implementation_date = DateField(_l("Tanggal penerapan"), validators=[Optional(), DateInRange()],
                                    description=_l("Wajib bila tahapan inovasi penerapan."))
    contact = StringField(_l("Kontak"), validators=[Optional(), text_limit(Proposal.contact)],
                          description=_l("Nama, telepon atau email yang dapat dihubungi."))
    # Sent with "Simpan dan ajukan" after a revision request (shown only then).
    note = TextAreaField(_l("Apa yang sudah Anda perbaiki?"), validators=[Optional(), text_limit(StatusChange.note)],
                         description=_l("Dikirim bersama usulan saat Anda menekan “Simpan dan ajukan”."))
    # The version this edit started from (optimistic lock).
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.maturity.choices = _blank(choices("maturity"))
        self.initiator.choices = _blank(choices("initiator"))
        self.innovation_type.choices = _blank(choices("innovation_type"))
        self.form.choices = _blank(choices("form"))
        self.affair.choices = _blank(affair_choices())
        self.lab_stage.choices = choices("lab_stage")

    def values(self) -> dict:
        """The model values from the form (codes, dates, the replicated proposal's id)."""
        names = ("title", "summary", "problem", "design", "goals", "benefits", "results", "maturity", "initiator",
                 "innovation_type", "form", "affair", "trial_date", "implementation_date", "contact", "lab_stage")
        values = {name: getattr(self, name).data for name in names}
        values["replicates_id"] = self.replicates.data or None
        return values


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Komentar"), validators=[DataRequired(_l("Tulis komentar terlebih dahulu.")),
                                                     text_limit(Comment.body)])


class AttachmentForm(FlaskForm):
    file = FileField(_l("Berkas bukti"), description=_l("PDF, PNG, JPEG, DOCX atau XLSX."))


class SubmitForm(FlaskForm):
    note = TextAreaField(_l("Tanggapan atas permintaan revisi"), validators=[Optional(), text_limit(StatusChange.note)],
                         description=_l("Jelaskan apa yang sudah Anda perbaiki."))


class WithdrawForm(FlaskForm):
    note = TextAreaField(_l("Alasan penarikan"), validators=[Optional(), text_limit(StatusChange.note)])
