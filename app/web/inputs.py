"""What people send, bounded before it reaches the database: one rule for each kind.

- Numbers. Every id, year, count and score column is a 32-bit signed INTEGER,
  so every number read from a URL (the `int` converter, replaced app-wide), a
  query string or a posted form is held to that range. A number outside it
  cannot name anything stored: a URL with one answers 404, and a query or form
  argument with one is treated as if it had not been given, as a word in
  place of a number already is. Form fields use NumberRange.
- Dates people type lie between 1900 and 2100 (`DateInRange`), so year 1 or
  9999 is a message beside the field, not an overflow in the time zone
  conversion.
- Text. Each free-text column carries its maximum length
  (app.models._types.typed_text); `text_limit` makes the form's validator
  from it and `length_hint` says it under the field's label.
- Decimal numbers people type (an indicator's baseline, a year's actual value)
  are read as the chosen language writes them, "12,5" in Indonesian and
  "12.5" in English, strictly: "12.5" in Indonesian is refused with the
  suggestion, never read as 125 (`LocaleDecimalField`).
- Web addresses people give (an innovation's video) are http or https links to a named host
  or an IP address, with no spaces, no user name or password and nothing a browser would run
  (`web_address_problem`, the `WebAddress` validator); the scheme is stored in lower case.
- A form sent back with errors answers 422 (`form_status`), the messages
  beside their fields.
"""
import ipaddress
import re
from datetime import date, datetime
from urllib.parse import urlsplit

from babel.numbers import NumberFormatError, parse_decimal
from flask import Flask, request
from flask_babel import format_decimal, format_number, get_locale
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter
from wtforms import StringField
from wtforms.validators import Length, ValidationError

from app.models._types import MAX_LENGTH

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)

# At most ten digits (INT_MAX has ten), optionally signed: anything longer is
# out of range anyway and never reaches int().
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,10}")


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` held to the 32-bit signed range of the id and year columns, so
    /proposals/2147483648 answers 404 like any id that names nothing, instead of
    an overflow in the database driver. Negative numbers never match (unsigned)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=INT_MIN if min is None else min,
                         max=INT_MAX if max is None else max, signed=signed)


def int_arg(name: str, args=None, *, minimum: int = 0, maximum: int = INT_MAX) -> int | None:
    """The whole number in argument `name` of `args` (the query string unless given,
    e.g. request.form), or None when it is missing, not a plain number, or outside
    [minimum, maximum]."""
    value = (request.args if args is None else args).get(name, "")
    value = value.strip()
    if not _WHOLE_NUMBER.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def page_number() -> int:
    """The page asked for by ?page=, or 1 when it is missing or unusable."""
    return int_arg("page", minimum=1) or 1


def date_arg(name: str, args=None) -> date | None:
    """The date (YYYY-MM-DD) in argument `name`, or None when missing, malformed or outside 1900–2100."""
    value = (request.args if args is None else args).get(name, "").strip()
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return day if DATE_MIN <= day <= DATE_MAX else None


class DateInRange:
    """Form validator of every DateField and DateTimeLocalField: 1900 to 2100."""

    def __call__(self, form, field):
        value = field.data
        if value is None:
            return
        day = value.date() if isinstance(value, datetime) else value
        if not DATE_MIN <= day <= DATE_MAX:
            raise ValidationError(_("Isi tanggal antara tahun %(first)s dan %(last)s.",
                                    first=DATE_MIN.year, last=DATE_MAX.year))


_PLAIN_NUMBER = re.compile(r"^[-+\u2212]?[0-9][0-9.,]*$")  # digits and separators: no exponent, no words


class LocaleDecimalField(StringField):
    """A decimal number as the current language writes it, between -`limit` and `limit`, with at
    most `places` decimals; `data` is a float, or None when left empty (an InputRequired or
    Optional validator decides whether that is allowed). A value written for the other
    language is refused with the way to write it here."""

    def __init__(self, label=None, validators=None, *, limit: float, places: int = 4, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.limit, self.places = limit, places
        self.parse_error = None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_decimal(self.data, format="0.####")  # no grouping: typed back as it is read

    def process_formdata(self, valuelist):
        self.data, self.parse_error = None, None
        text = (valuelist[0] if valuelist else "").strip().replace("\u00a0", "").replace(" ", "")
        if not text:
            return
        if len(text) > 30 or not _PLAIN_NUMBER.match(text):
            self.parse_error = _("Isi angka, misalnya %(example)s.", example=format_decimal(12.5))
            return
        try:
            number = parse_decimal(text.replace("\u2212", "-"), locale=get_locale(), strict=True)
        except NumberFormatError as error:
            suggestion = getattr(error, "suggestions", None)
            self.parse_error = (_("Tulis angka seperti %(example)s.",
                                  example=suggestion[-1]) if suggestion
                                else _("Isi angka, misalnya %(example)s.", example=format_decimal(12.5)))
            return
        if not number.is_finite() or abs(number) > self.limit:
            self.parse_error = _("Isi angka antara %(low)s dan %(high)s.", low=format_decimal(-self.limit),
                                 high=format_decimal(self.limit))
            return
        if -number.as_tuple().exponent > self.places:
            self.parse_error = _("Paling banyak %(places)d angka di belakang koma.", places=self.places)
            return
        self.data = float(number)

    def pre_validate(self, form):
        if self.parse_error:
            raise ValidationError(self.parse_error)


class TextLimit(Length):
    """Length(max=…) whose message gives the limit and the length typed, as the locale writes numbers.

    No `maxlength` attribute is put on the input: a browser would cut a pasted
    text short without a word, where the message says how much to shorten."""

    def __init__(self, limit: int):
        super().__init__(max=limit)
        self.field_flags = {}

    def __call__(self, form, field):
        length = len(field.data or "")
        if length > self.max:
            raise ValidationError(_("Paling banyak %(max)s karakter; isian ini %(length)s karakter.",
                                    max=format_number(self.max), length=format_number(length)))


WEB_SCHEMES = ("http", "https")
# One label of a host name (after IDNA): letters, digits and inner hyphens, at most 63 characters.
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TOP_LEVEL = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")


def _named_host(host: str) -> bool:
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    return (len(labels) >= 2 and len(ascii_host) <= 253 and all(_HOST_LABEL.match(label) for label in labels)
            and bool(_TOP_LEVEL.match(labels[-1])))


def web_address_problem(text: str) -> str | None:
    """Why `text` is not a web address people may be sent to (the message for them), or None.

    The one rule for links typed into a form and stored to be followed from a page: http or
    https only (never javascript:, data: or a file), to a host with a dotted name or an IP
    address, without spaces, control characters, backslashes or credentials."""
    example = "https://youtu.be/abc123"
    if re.search(r"[\s\\\x00-\x1f\x7f]", text):
        return _("Tulis alamat tautan tanpa spasi, baris baru atau garis miring terbalik, misalnya %(example)s.",
                 example=example)
    parts = urlsplit(text)
    if parts.scheme.lower() not in WEB_SCHEMES or not text[len(parts.scheme):].startswith("://"):
        return _("Tautan harus diawali http:// atau https://, misalnya %(example)s.", example=example)
    if "@" in parts.netloc:
        return _("Tautan tidak boleh memuat nama pengguna atau kata sandi.")
    host = parts.hostname or ""
    try:
        parts.port  # noqa: B018 (urllib checks the port when it is read)
    except ValueError:
        return _("Nomor port pada tautan tidak benar.")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _named_host(host):
            return _("Alamat situs pada tautan tidak lengkap atau tidak benar, misalnya %(example)s.", example=example)
    return None


def normalised_web_address(text: str) -> str:
    """A web address that passed web_address_problem, its scheme in lower case (as the database checks it)."""
    scheme = urlsplit(text).scheme
    return scheme.lower() + text[len(scheme):]


class WebAddress:
    """Form validator of a field holding a web address people follow (web_address_problem)."""

    def __call__(self, form, field):
        text = (field.data or "").strip()
        if text:
            problem = web_address_problem(text)
            if problem:
                raise ValidationError(problem)


def max_length(column) -> int:
    """The maximum length of a model's free-text column (an attribute such as Proposal.summary)."""
    return column.info[MAX_LENGTH]


def too_long(column, value: str | None) -> bool:
    """Is `value` longer than `column` holds? For services that take text from elsewhere than a form."""
    return len(value or "") > max_length(column)


def text_limit(column) -> TextLimit:
    """The form validator for a field that fills `column`: at most its maximum length."""
    return TextLimit(max_length(column))


def length_hint(field) -> str:
    """"Paling banyak 2.000 karakter." for a form field with a TextLimit, else ""."""
    for validator in field.validators:
        if isinstance(validator, TextLimit):
            return _("Paling banyak %(max)s karakter.", max=format_number(validator.max))
    return ""


def show_refusal(form, error: Exception) -> None:
    """Put a service's refusal beside the field it names (its `field`), or at the top of the form."""
    field = getattr(error, "field", None)
    if field:
        form[field].errors = [str(error)]
    else:
        form.form_errors.append(str(error))


def form_status(form) -> int:
    """The status of a form page: 422 when the form came back with errors to fix, else 200."""
    return 422 if form.errors else 200


def register(app: Flask) -> None:
    """Install the bounded `int` converter (before any route is added) and the length hint for templates."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.jinja_env.globals["length_hint"] = length_hint
