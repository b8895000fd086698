"""Forms of the events feature. Date-times are typed as wall-clock time in WIB."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from app.core.labels import choices
from app.models import MAX_EVENT_IDEAS, Event, EventIdea, EventReport
from app.web.inputs import DateInRange, TextLimit, max_length, text_limit

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class EventForm(FlaskForm):
    title = StringField(_l("Judul kegiatan"),
                        validators=[DataRequired(_l("Isi judul kegiatan.")), text_limit(Event.title)])
    kind = SelectField(_l("Jenis kegiatan"), choices=choices("event_kind"))
    starts_at = DateTimeLocalField(
        _l("Mulai"), format=LOCAL_FORMAT, description=_l("Waktu Indonesia Barat (WIB)."),
        validators=[InputRequired(_l("Isi tanggal dan jam mulai.")), DateInRange()],
    )
    ends_at = DateTimeLocalField(
        _l("Selesai"), format=LOCAL_FORMAT, description=_l("Waktu Indonesia Barat (WIB)."),
        validators=[InputRequired(_l("Isi tanggal dan jam selesai.")), DateInRange()],
    )
    place = StringField(_l("Tempat"), validators=[DataRequired(_l("Isi tempat kegiatan.")), text_limit(Event.place)])
    capacity = IntegerField(
        _l("Kapasitas"), description=_l("Jumlah kursi. Kosongkan bila tidak dibatasi."),
        validators=[Optional(), NumberRange(1, 10000, _l("Kapasitas antara 1 dan 10.000 orang."))],
    )
    description = TextAreaField(_l("Deskripsi"), validators=[text_limit(Event.description)])
    is_public = BooleanField(
        _l("Tampilkan untuk publik"),
        description=_l("Kegiatan internal hanya terlihat oleh pengguna yang masuk dan tidak masuk kalender publik."),
        default=True,
    )
    registration_open = BooleanField(_l("Pendaftaran dibuka"), default=True)
    declaration_text = TextAreaField(
        _l("Naskah deklarasi"),
        description=_l("Misalnya ikrar inovasi laboratorium. Peserta dapat menandatanganinya sekali."),
        validators=[text_limit(Event.declaration_text)],
    )

    def validate_ends_at(self, field):
        if self.starts_at.data and field.data and field.data < self.starts_at.data:
            raise ValidationError(_l("Waktu selesai tidak boleh sebelum waktu mulai."))


class LinkProposalForm(FlaskForm):
    proposal_id = SelectField(_l("Usulan"), coerce=int, validators=[DataRequired(_l("Pilih usulan."))])


class CloseReportForm(FlaskForm):
    """An event's close report: minutes for staff, a summary for the public, the ideas born there.
    The attendance and the proposals discussed are not typed: they come from check-ins and links."""

    minutes = TextAreaField(_l("Notulen"), validators=[text_limit(EventReport.minutes)],
                            description=_l("Hanya untuk pengguna internal: jalannya kegiatan, kesepakatan, tindak lanjut."))
    public_summary = TextAreaField(
        _l("Ringkasan untuk publik"), validators=[text_limit(EventReport.public_summary)],
        description=_l("Tampil di halaman kegiatan untuk publik. Jangan menulis nama orang."))
    # One title a line; the bound holds the most lines of the longest titles (and their line breaks).
    ideas = TextAreaField(
        _l("Ide yang lahir"), validators=[TextLimit(MAX_EVENT_IDEAS * (max_length(EventIdea.title) + 2))],
        description=_l("Satu judul ide per baris, paling banyak %(num)d ide.", num=MAX_EVENT_IDEAS))
    # The version the form was read at: an edit of a report changed since is refused.
    version = HiddenField()
