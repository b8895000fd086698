"""Forms for claiming evidence, verifying it, publishing it, and for admins' indicators and levels."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.models import Claim, Indicator, IndicatorLevel, IndicatorSet, RegionClaim
from app.web.inputs import INT_MAX, LocaleDecimalField, text_limit

DECISION_LABELS = {
    "accept": _l("Terima level yang diklaim"),
    "downgrade": _l("Tetapkan level lebih rendah"),
    "needs_evidence": _l("Minta bukti yang lebih baik"),
}


class ClaimForm(FlaskForm):
    """The level an agency claims on one indicator, with its evidence."""

    # Radio buttons with none checked, also when a claim exists: a (re)claim is a deliberate choice,
    # since saving it sends the indicator back to verification.
    level = RadioField(_l("Level yang diklaim"), coerce=int,
                       invalid_choice_message=_l("Pilih salah satu level yang tersedia."),
                       validators=[InputRequired(_l("Pilih level yang diklaim."))])
    # Not checked against its choices (a new upload may come instead); kept to what an id can be.
    attachment_id = SelectField(_l("Dokumen bukti dari lampiran usulan"), coerce=int, validate_choice=False,
                                default=0, validators=[NumberRange(0, INT_MAX)])
    file = FileField(_l("Atau unggah dokumen bukti baru"), description=_l("PDF, PNG, JPEG, DOCX atau XLSX."))
    note = TextAreaField(_l("Catatan untuk verifikator"), validators=[Optional(), text_limit(Claim.note)],
                         description=_l("Misalnya halaman dokumen yang memuat buktinya."))


class VerifyForm(FlaskForm):
    """A reviewer's or admin's verdict on one claim."""

    decision = RadioField(_l("Hasil verifikasi"), choices=list(DECISION_LABELS.items()),
                          validators=[InputRequired(_l("Pilih hasil verifikasi."))])
    level = SelectField(_l("Level yang diverifikasi (jika lebih rendah)"), coerce=int, validate_choice=False, default=0,
                        validators=[NumberRange(0, INT_MAX)])
    reason = TextAreaField(_l("Alasan"), validators=[Optional(), text_limit(Claim.reason)],
                           description=_l("Wajib jika level diturunkan atau bukti diminta lagi."))


class PublicForm(FlaskForm):
    """An admin shows or hides one verified indicator on the public innovation page."""

    public = BooleanField(_l("Tampilkan di halaman publik"))


class IndicatorForm(FlaskForm):
    code = StringField(_l("Kode"), validators=[DataRequired(_l("Isi kode indikator.")), text_limit(Indicator.code),
                                               Regexp(r"^[a-z0-9_]+$", message=_l("Huruf kecil, angka dan garis bawah saja."))])
    name = StringField(_l("Nama indikator"),
                       validators=[DataRequired(_l("Isi nama indikator.")), text_limit(Indicator.name)])
    evidence = TextAreaField(_l("Bukti yang membuktikan indikator ini"), validators=[
        DataRequired(_l("Jelaskan bukti yang diminta.")), text_limit(Indicator.evidence)])
    order = IntegerField(_l("Urutan"), validators=[InputRequired(_l("Isi urutan.")), NumberRange(min=0, max=1000)])
    active = BooleanField(_l("Aktif (dipakai pada siklus yang berjalan)"), default=True)


class LevelRow(Form):
    description = TextAreaField(_l("Uraian"), validators=[Optional(), text_limit(IndicatorLevel.description)])
    points = IntegerField(_l("Poin"), validators=[Optional(), NumberRange(min=0, max=1000)])


class LevelsForm(FlaskForm):
    """Up to five levels of one indicator in one cycle; empty rows at the end mean fewer levels."""

    levels = FieldList(FormField(LevelRow), min_entries=5, max_entries=5)


class SetImportForm(FlaskForm):
    """A year's indicator set of one aspect from a CSV (checked line by line by indicator_sets)."""

    year = IntegerField(_l("Tahun pedoman"), validators=[InputRequired(_l("Isi tahun pedoman.")),
                                                       NumberRange(2000, 2100, _l("Tahun antara 2000 dan 2100."))])
    aspect = RadioField(_l("Aspek"), choices=[("innovation", _l("Indikator satuan inovasi")),
                                             ("region", _l("Indikator satuan pemerintah daerah"))],
                        validators=[InputRequired(_l("Pilih aspek indikator."))])
    weight = LocaleDecimalField(_l("Bobot aspek dalam indeks (%)"), limit=100, places=2,
                                validators=[InputRequired(_l("Isi bobot aspek, misalnya 74,8."))],
                                description=_l("Pada pedoman 2023: 74,8 untuk satuan inovasi, 25,2 untuk satuan "
                                               "pemerintah daerah."))
    source = StringField(_l("Sumber"), validators=[Optional(), text_limit(IndicatorSet.source)],
                         description=_l("Misalnya judul dan nomor pedoman."))
    file = FileField(_l("Berkas CSV"), validators=[FileRequired(_l("Pilih berkas CSV yang akan diimpor."))],
                     render_kw={"accept": ".csv,text/csv"})
    replace = BooleanField(_l("Ganti set tahun dan aspek yang sama bila sudah ada (hanya bila belum dipakai klaim)"))

    def validate_weight(self, field):
        if field.data is not None and field.data < 0:
            raise ValidationError(_l("Bobot tidak boleh negatif."))


class RegionClaimForm(FlaskForm):
    """Bappeda's claimed level on one region indicator, with its evidence file."""

    level = RadioField(_l("Level yang diklaim"), coerce=int,
                       invalid_choice_message=_l("Pilih salah satu level yang tersedia."),
                       validators=[InputRequired(_l("Pilih level yang diklaim."))])
    file = FileField(_l("Dokumen bukti"), description=_l("PDF, PNG, JPEG, DOCX atau XLSX."))
    note = TextAreaField(_l("Catatan untuk verifikator"), validators=[Optional(), text_limit(RegionClaim.note)],
                         description=_l("Misalnya halaman dokumen yang memuat buktinya."))
