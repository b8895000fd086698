"""Forms for writing a proposal, commenting, uploading evidence and status moves."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.affairs import affair_choices
from app.core.labels import choices
from app.core.sdgs import goal_choices
from app.models import MAX_TEAM_MEMBERS, SDG_GOALS, Comment, Proposal, StatusChange, TeamMember
from app.proposals.team import SEPARATOR, parse_team, team_text
from app.web.inputs import DateInRange, TextLimit, WebAddress, max_length, text_limit

# The team box holds at most MAX_TEAM_MEMBERS lines of a name, the separator and a role;
# twice that leaves room for list marks and spaces that are tidied away.
TEAM_TEXT_LIMIT = 2 * MAX_TEAM_MEMBERS * (max_length(TeamMember.name) + len(SEPARATOR) + max_length(TeamMember.role))


def _blank(kind_choices, blank=_l("— pilih —")):
    return [("", blank)] + list(kind_choices)


class GoalsField(SelectMultipleField):
    """The Sustainable Development Goals as checkboxes; `data` is the goals' numbers in order.

    A number that is no goal (a tampered form) is refused with a message beside the field,
    never stored and never a stack trace."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=int, **kwargs)
        self.unknown = False

    def process_formdata(self, valuelist):
        self.unknown = False
        numbers = set()
        for value in valuelist[: len(SDG_GOALS) + 1]:
            text = (value or "").strip()
            if text.isdigit() and len(text) <= 2 and int(text) in SDG_GOALS:
                numbers.add(int(text))
            else:
                self.unknown = True
        if len(valuelist) > len(SDG_GOALS):
            self.unknown = True
        self.data = sorted(numbers)

    def pre_validate(self, form):
        if self.unknown:
            raise ValidationError(_("Pilih tujuan dari daftar: TPB nomor %(first)d sampai %(last)d.",
                                    first=SDG_GOALS[0], last=SDG_GOALS[-1]))


class TeamField(TextAreaField):
    """The team box ("Name — Role" a line, app.proposals.team); `members` holds what it read."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.type = "TextAreaField"  # rendered as the text area it is (macros/forms.html reads the type)
        self.members: list[tuple[str, str]] | None = None

    def pre_validate(self, form):
        self.members = None
        if self.data is None or len(self.data) > TEAM_TEXT_LIMIT:  # too long: the TextLimit says so
            return
        reading = parse_team(self.data)
        if reading.errors:
            self.errors.extend(reading.errors)  # one message per line, beside the box
            raise StopValidation()
        self.members = reading.members


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
    # For the national competitions (DESIGN §10): the goals served, a video, the team and its decree.
    sdg_goals = GoalsField(_l("Tujuan Pembangunan Berkelanjutan (TPB/SDGs)"),
                           description=_l("Pilih satu atau lebih tujuan yang didukung inovasi ini; lomba inovasi "
                                          "nasional menanyakannya."))
    video_url = StringField(_l("Tautan video inovasi"),
                            validators=[Optional(), text_limit(Proposal.video_url), WebAddress()],
                            description=_l("Video paling lama 3 menit, misalnya di YouTube atau Google Drive. "
                                           "Alamatnya diawali https:// dan ditampilkan sebagai tautan."))
    team = TeamField(_l("Tim inovasi"), validators=[Optional(), TextLimit(TEAM_TEXT_LIMIT)], render_kw={"rows": 6},
                     description=_l("Satu anggota per baris: nama, tanda —, lalu perannya, misalnya “Budi Santoso — "
                                    "Ketua tim”. Paling banyak 20 anggota."))
    # Its hint (the file types and the size limit) is the template's, as on the evidence upload.
    decree_file = FileField(_l("SK penetapan tim"))
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
        self.sdg_goals.choices = goal_choices()
        proposal = kwargs.get("obj")
        if proposal is not None and not getattr(self.team, "raw_data", None):  # not sent: the team as stored
            self.team.data = team_text(proposal.team)

    def values(self) -> dict:
        """The model values from the form (codes, dates, the replicated proposal's id, the goals'
        numbers, the team as (name, role) pairs, or None for a team box that was not sent)."""
        names = ("title", "summary", "problem", "design", "goals", "benefits", "results", "maturity", "initiator",
                 "innovation_type", "form", "affair", "trial_date", "implementation_date", "contact", "lab_stage",
                 "sdg_goals", "video_url")
        values = {name: getattr(self, name).data for name in names}
        values["replicates_id"] = self.replicates.data or None
        values["team"] = self.team.members if getattr(self.team, "raw_data", None) else None
        return values

    def decree(self):
        """The decree file chosen in this form, or None."""
        upload = self.decree_file.data
        return upload if upload is not None and getattr(upload, "filename", None) else None


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
