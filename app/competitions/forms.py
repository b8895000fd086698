"""Forms of competitions: the competition itself, an entry, reviewer assignment."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from app.competitions.services import CompetitionError, Judgement, parse_tracks
from app.models import Competition, CompetitionEntry
from app.web.inputs import DateInRange, TextLimit, text_limit

# Ten tracks of a 40-character code and a 120-character name, one per line.
TRACKS_TEXT_MAX = 2000


class CompetitionForm(FlaskForm):
    cycle_id = SelectField(_l("Siklus"), coerce=int, validators=[InputRequired(_l("Pilih siklus."))])
    name = StringField(_l("Nama lomba"), validators=[InputRequired(_l("Isi nama lomba.")), text_limit(Competition.name)])
    description = TextAreaField(_l("Keterangan"), description=_l("Untuk peserta: tujuan lomba, syarat, dan hadiah."),
                                validators=[text_limit(Competition.description)])
    rubric_id = SelectField(_l("Rubrik penilaian"), coerce=int, validators=[InputRequired(_l("Pilih rubrik."))],
                            description=_l("Semua peserta lomba dinilai dengan rubrik ini. Rubrik tidak dapat "
                                           "diganti setelah ada penilaian."))
    tracks = TextAreaField(
        _l("Kategori"), description=_l("Satu kategori per baris, dengan kode dan nama: misalnya "
                                       "“opd: Perangkat daerah” atau “sekolah: Sekolah”."),
        validators=[InputRequired(_l("Tuliskan paling sedikit satu kategori.")), TextLimit(TRACKS_TEXT_MAX)],
        render_kw={"rows": 4})
    entry_deadline = DateField(_l("Batas pendaftaran"),
                               validators=[InputRequired(_l("Isi batas pendaftaran.")), DateInRange()])
    review_deadline = DateField(_l("Batas penilaian"),
                                validators=[InputRequired(_l("Isi batas penilaian.")), DateInRange()])
    blind_review = BooleanField(_l("Penilaian buta"), description=_l(
        "Penilai lomba ini tidak melihat perangkat daerah dan pengusul."))

    def validate_tracks(self, field):
        """The lines must parse (the message names the line); `parsed_tracks` holds them."""
        try:
            self.parsed_tracks = parse_tracks(field.data)
        except CompetitionError as error:
            raise ValidationError(str(error)) from None

    def validate_review_deadline(self, field):
        if self.entry_deadline.data and field.data and field.data < self.entry_deadline.data:
            raise ValidationError(_l("Batas penilaian tidak boleh sebelum batas pendaftaran."))


class EntryForm(FlaskForm):
    track_id = SelectField(_l("Lomba dan kategori"), coerce=int,
                           validators=[InputRequired(_l("Pilih lomba dan kategorinya."))])


class AssignForm(FlaskForm):
    reviewer_id = SelectField(_l("Penilai"), coerce=int, validators=[InputRequired(_l("Pilih penilai."))])


class BulkAssignForm(FlaskForm):
    per_entry = IntegerField(_l("Penilai per peserta"), default=2, validators=[
        InputRequired(_l("Isi jumlah penilai per peserta.")),
        NumberRange(2, 5, _l("Antara 2 dan 5 penilai per peserta."))])


class ActionForm(FlaskForm):
    """A button that only needs its CSRF token (withdraw an entry, remove an assignment)."""


def judge_form_class(entries):
    """The judge's form for one track: per entry a final rank (optional, 1..number of
    entries), whether it wins, and a note; `judgements()` reads it back for the service."""
    limit = max(1, len(entries))

    class JudgeForm(FlaskForm):
        def judgements(self, rows):
            return [Judgement(entry=e, rank=self[f"rank_{e.id}"].data, winner=bool(self[f"winner_{e.id}"].data),
                              note=self[f"note_{e.id}"].data or "") for e in rows]

    for entry in entries:
        setattr(JudgeForm, f"rank_{entry.id}", IntegerField(
            _l("Peringkat akhir"), default=entry.final_rank,
            validators=[Optional(), NumberRange(1, limit, _l("Peringkat antara 1 dan %(max)d."))]))
        setattr(JudgeForm, f"winner_{entry.id}", BooleanField(_l("Pemenang"), default=entry.winner))
        setattr(JudgeForm, f"note_{entry.id}", StringField(
            _l("Catatan juri"), default=entry.judge_note, validators=[text_limit(CompetitionEntry.judge_note)]))
    return JudgeForm
