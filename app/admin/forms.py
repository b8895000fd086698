from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.core.labels import choices
from app.models import Agency, User
from app.web.choices import AGENCY_FILTER
from app.web.inputs import DateInRange, text_limit


class UserForm(FlaskForm):
    email = EmailField(
        _l("Alamat email"),
        validators=[DataRequired(_l("Isi alamat email.")), Email(_l("Alamat email tidak valid.")),
                    text_limit(User.email)],
    )
    name = StringField(_l("Nama lengkap"), validators=[DataRequired(_l("Isi nama.")), text_limit(User.name)])
    role = SelectField(_l("Peran"), choices=choices("role"))
    agency_id = SelectField(
        _l("Perangkat daerah"),
        description=_l("Wajib untuk inovator. Penilai dari luar pemerintah kota boleh tanpa perangkat daerah."),
        coerce=int,
        render_kw=AGENCY_FILTER,
    )
    active = BooleanField(_l("Akun aktif"), default=True)
    # The rules themselves are app.auth.services.password_problems, checked by the service.
    password = PasswordField(
        _l("Kata sandi"),
        description=_l("Paling sedikit 10 karakter, tidak memuat nama atau email pemilik akun, dan bukan kata "
                       "sandi yang umum. Kosongkan untuk memakai tautan undangan; saat mengubah, kosongkan bila "
                       "tidak diganti."),
        validators=[Optional()],
    )

    def validate_agency_id(self, field):
        if self.role.data == "innovator" and not field.data:
            raise ValidationError(_l("Inovator harus terhubung dengan perangkat daerah."))


class AgencyForm(FlaskForm):
    code = StringField(
        _l("Kode"),
        description=_l("Huruf besar, angka dan tanda hubung, misalnya DISKOMINFO."),
        validators=[
            DataRequired(_l("Isi kode.")),
            text_limit(Agency.code),
            Regexp(r"^[A-Z0-9][A-Z0-9_-]*$", message=_l("Kode hanya boleh huruf besar, angka, _ dan -.")),
        ],
    )
    name = StringField(_l("Nama"), validators=[DataRequired(_l("Isi nama.")), text_limit(Agency.name)])
    kind = SelectField(_l("Jenis"), choices=choices("agency_kind"))
    parent_id = SelectField(
        _l("Kecamatan induk"), description=_l("Hanya untuk kelurahan."), coerce=int
    )
    active = BooleanField(_l("Aktif"), default=True)

    def validate_parent_id(self, field):
        if self.kind.data == "kelurahan" and not field.data:
            raise ValidationError(_l("Kelurahan harus memiliki kecamatan induk."))
        if self.kind.data != "kelurahan" and field.data:
            raise ValidationError(_l("Hanya kelurahan yang memiliki kecamatan induk."))


class CycleForm(FlaskForm):
    year = IntegerField(
        _l("Tahun"),
        validators=[InputRequired(_l("Isi tahun.")), NumberRange(2000, 2100, _l("Tahun antara 2000 dan 2100."))],
    )
    submission_opens = DateField(_l("Pengajuan dibuka"),
                                 validators=[InputRequired(_l("Isi tanggal dibuka.")), DateInRange()])
    submission_closes = DateField(_l("Pengajuan ditutup"),
                                  validators=[InputRequired(_l("Isi tanggal ditutup.")), DateInRange()])
    target_per_agency = IntegerField(
        _l("Target inovasi per perangkat daerah"),
        default=1,
        validators=[InputRequired(_l("Isi target.")), NumberRange(0, 100, _l("Target antara 0 dan 100."))],
    )
    blind_review = BooleanField(
        _l("Penilaian buta"), description=_l("Penilai tidak melihat perangkat daerah dan pengusul sampai ada keputusan.")
    )
    closed = BooleanField(_l("Siklus ditutup"))

    def validate_submission_closes(self, field):
        if self.submission_opens.data and field.data and field.data < self.submission_opens.data:
            raise ValidationError(_l("Tanggal ditutup tidak boleh sebelum tanggal dibuka."))


class AgencyImportForm(FlaskForm):
    # Size, encoding, columns and rows are checked by the view and the import service,
    # which name the line of each problem.
    file = FileField(
        _l("Berkas CSV"),
        description=_l("Kolom code,name,kind,parent_code (judul kolom di baris pertama), disimpan sebagai "
                       "\"CSV UTF-8\". Jenis: opd, kecamatan atau kelurahan; parent_code hanya untuk kelurahan."),
        validators=[FileRequired(_l("Pilih berkas CSV yang akan diimpor."))],
        render_kw={"accept": ".csv,text/csv"},
    )


class AgencyImportConfirmForm(FlaskForm):
    # The file's content, signed by the server when it showed the preview (app.admin.routes).
    preview = HiddenField(validators=[DataRequired()])
