from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired

from app.core.labels import choices
from app.models import User
from app.web.inputs import text_limit


class LoginForm(FlaskForm):
    email = EmailField(_l("Alamat email"), validators=[DataRequired(_l("Isi alamat email Anda."))])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(_l("Isi kata sandi Anda."))])


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    """The new password and its repetition, as every form that sets one asks for them.
    The rules themselves are app.auth.services.password_problems, checked by the service."""
    return (
        PasswordField(
            _l("Kata sandi baru"),
            description=_l("Paling sedikit 10 karakter, tidak memuat nama atau email Anda, dan bukan kata sandi "
                           "yang umum. Tiga atau empat kata yang tidak berhubungan mudah diingat dan sulit ditebak."),
            validators=[DataRequired(_l("Isi kata sandi baru."))],
        ),
        PasswordField(
            _l("Ulangi kata sandi baru"),
            validators=[
                DataRequired(_l("Ulangi kata sandi baru.")),
                EqualTo("new_password", message=_l("Kedua kata sandi baru tidak sama.")),
            ],
        ),
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Kata sandi sekarang"), validators=[DataRequired(_l("Isi kata sandi Anda yang sekarang."))]
    )
    new_password, confirm_password = new_password_fields()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Alamat email"),
        description=_l("Alamat email yang Anda pakai untuk masuk ke Apusida."),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],  # a pasted address's spaces
        validators=[DataRequired(_l("Isi alamat email Anda.")), Email(_l("Alamat email tidak valid.")),
                    text_limit(User.email)],
    )


class SetPasswordForm(FlaskForm):
    new_password, confirm_password = new_password_fields()


class AccountForm(FlaskForm):
    """One's own choice of how notifications reach one's mailbox (DESIGN §11)."""

    email_frequency = RadioField(
        _l("Email pemberitahuan"),
        choices=choices("email_frequency"),
        validators=[InputRequired(_l("Pilih cara menerima email pemberitahuan."))],
    )


class UnsubscribeForm(FlaskForm):
    """The one button of the unsubscribe page (its CSRF token only)."""
