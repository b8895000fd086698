"""Forms of an innovation's results after approval."""
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.core.labels import choices
from app.models import MAX_RESULT_VALUE, ResultIndicator, YearlyReport
from app.web.inputs import INT_MAX, LocaleDecimalField, text_limit


# --- indicators ---------------------------------------------------------------------

class IndicatorForm(FlaskForm):
    """One result indicator: what is measured, in which unit, where it starts, where it should be
    and which way is better. Prefixed per indicator ("new", "i<id>") so the forms of one page differ."""

    name = StringField(_l("Nama indikator"), validators=[InputRequired(_l("Isi nama indikator.")),
                                                          text_limit(ResultIndicator.name)],
                       description=_l("Yang diukur, misalnya “Lama penerbitan izin” atau “Warga terlayani”."))
    unit = StringField(_l("Satuan"), validators=[
        InputRequired(_l("Isi satuannya, misalnya hari, orang per bulan, atau skor.")),
        text_limit(ResultIndicator.unit)], description=_l("Misalnya hari, orang per bulan, aduan per bulan, skor."))
    baseline = LocaleDecimalField(_l("Baseline"), [InputRequired(_l("Isi nilai awal (baseline) sebelum inovasi."))],
                                  limit=MAX_RESULT_VALUE)
    target = LocaleDecimalField(_l("Target"), [InputRequired(_l("Isi target yang ingin dicapai."))],
                                limit=MAX_RESULT_VALUE)
    direction = RadioField(_l("Mana yang lebih baik?"), choices=choices("direction"), default="up",
                           validators=[InputRequired(_l("Pilih arah yang lebih baik."))])
    # The version the form was read at: an edit of an indicator changed since is refused.
    version = HiddenField()


def indicator_form(indicator: ResultIndicator | None = None, submitted: bool = False) -> IndicatorForm:
    """The form adding an indicator (none given) or editing `indicator`, showing its values unless `submitted`."""
    prefix = "new" if indicator is None else f"i{indicator.id}"
    if submitted:
        return IndicatorForm(prefix=prefix)
    if indicator is None:
        return IndicatorForm(formdata=None, prefix=prefix)
    return IndicatorForm(formdata=None, prefix=prefix, name=indicator.name, unit=indicator.unit,
                         baseline=indicator.baseline, target=indicator.target, direction=indicator.direction,
                         version=str(indicator.version))


class DeleteIndicatorForm(FlaskForm):
    """The delete button of an indicator: its CSRF token and the version it was shown at."""

    version = HiddenField()


# --- reports ------------------------------------------------------------------------

class ReportForm(FlaskForm):
    """One cycle's yearly report: still in use, developed or stopped, each indicator's actual
    value (fields `actual_<indicator id>`, added by `report_form`), and its evidence."""

    status = RadioField(_l("Status inovasi tahun ini"), choices=choices("report_status"),
                        validators=[InputRequired(_l("Pilih status inovasi tahun ini."))])
    reason = TextAreaField(_l("Keterangan"), validators=[Optional(), text_limit(YearlyReport.reason)],
                           description=_l("Wajib jika inovasi dihentikan: mengapa. Jika dikembangkan: apa yang "
                                          "dikembangkan."))
    # Not checked against its choices (a new upload may come instead); kept to what an id can be.
    attachment_id = SelectField(_l("Dokumen bukti dari lampiran usulan"), coerce=int, validate_choice=False,
                                default=0, validators=[NumberRange(0, INT_MAX)])
    file = FileField(_l("Atau unggah dokumen bukti baru"), description=_l("PDF, PNG, JPEG, DOCX atau XLSX."))
    # The version the form was read at: an edit of a report changed since is refused.
    version = HiddenField()

    def actual_fields(self):
        """(indicator, field) of each result indicator, in the indicators' order."""
        return [(indicator, self[f"actual_{indicator.id}"]) for indicator in self.indicators]


def report_form(indicators, report=None, submitted: bool = False, attachments=()) -> ReportForm:
    """The report form for `indicators` (a field per indicator), showing `report` when not `submitted`."""

    class Form(ReportForm):
        pass

    for indicator in indicators:
        setattr(Form, f"actual_{indicator.id}", LocaleDecimalField(
            indicator.name, [Optional()], limit=MAX_RESULT_VALUE,
            description=_("Satuan: %(unit)s. Baseline %(baseline)s, target %(target)s.", unit=indicator.unit,
                          baseline=plain_decimal(indicator.baseline), target=plain_decimal(indicator.target))))
    kwargs = {}
    if not submitted:
        kwargs["formdata"] = None
        if report is not None:
            kwargs.update(status=report.status, reason=report.reason, attachment_id=report.attachment_id or 0,
                          version=str(report.version))
            kwargs.update({f"actual_{value.indicator_id}": value.actual for value in report.values})
    form = Form(**kwargs)
    form.indicators = list(indicators)
    form.attachment_id.choices = [(0, _l("— tanpa dokumen, atau unggah berkas baru di bawah —"))] + [
        (attachment.id, attachment.original_name) for attachment in attachments]
    return form


def plain_decimal(value: float | None) -> str:
    """A result value as the language writes it, without trailing zeros: 12,5 and 3 (not 3,0000)."""
    return "" if value is None else format_decimal(value, format="#,##0.####")
