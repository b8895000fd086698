from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("Alamat email"), validators=[DataRequired(_l("Isi alamat email Anda."))])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(_l("Isi kata sandi Anda."))])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Kata sandi sekarang"), validators=[DataRequired(_l("Isi kata sandi Anda yang sekarang."))]
    )
    new_password = PasswordField(
        _l("Kata sandi baru"),
        description=_l("Paling sedikit 10 karakter."),
        validators=[
            DataRequired(_l("Isi kata sandi baru.")),
            Length(min=10, max=200, message=_l("Kata sandi baru harus 10 sampai 200 karakter.")),
        ],
    )
    confirm_password = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[
            DataRequired(_l("Ulangi kata sandi baru.")),
            EqualTo("new_password", message=_l("Kedua kata sandi baru tidak sama.")),
        ],
    )
