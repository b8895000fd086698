"""Language: which one a request is in, and translation lookups.

Indonesian is the default; a person picks English with the language switch,
which keeps the choice in the session (`language_of`, read by Flask-Babel's
locale selector and by the leaderboard's poll ahead of Flask).

Templates and `gettext` here do not find the catalogue again for every text,
as Flask-Babel's get_translations() does (about 12 µs a call; a page has a
hundred texts). `gettext` keeps it on `g` beside the locale it was found for
and uses it while flask_babel.get_locale() (public API, some 3 µs) still
returns that locale, so force_locale() and refresh() are honoured. A
template finds it once per rendering: a context processor hands it to the
template context (as TEMPLATE_CATALOGUE), and its _(), ngettext(), status tags
and label filter read it from there (`catalogue_of`); a macro imported without
the context falls back to `catalogue()`.
"""
from functools import lru_cache

from babel.numbers import format_decimal as babel_format_decimal
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, session
from flask_babel import format_decimal, get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

_NO_TRANSLATION = NullTranslations()
DEFAULT_LANGUAGE = "id"
TEMPLATE_CATALOGUE = "gettext_catalogue"  # the template context's name for this rendering's catalogue


def N_(text: str) -> str:
    """Marks a msgid for extraction (one of Babel's default keywords) where it is
    stored to be translated later, when shown (app.core.messages)."""
    return text


def language_of(session_data, config) -> str:
    """Indonesian unless the person picked English with the language switch."""
    chosen = session_data.get("lang") if session_data is not None else None
    return chosen if chosen in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


def select_locale() -> str:
    """Flask-Babel's locale selector: the language of this request's session."""
    return language_of(session if has_request_context() else None, current_app.config)


def current_language() -> str:
    """The language code this request is rendered in ("id" or "en")."""
    locale = get_locale()
    return locale.language if locale else DEFAULT_LANGUAGE


@lru_cache(maxsize=4096)
def _count_text(number: int, language: str) -> str:
    return babel_format_decimal(number, locale=language)


def count_text(number: int, language: str | None = None) -> str:
    """A whole number in the reader's language (1.234 or 1,234), or in `language` (for many
    numbers at once: finding the request's language costs more than Babel's answer, which
    is kept per number and language)."""
    return _count_text(number, language or current_language())


def catalogue():
    """The translations of the current locale (none outside the app)."""
    locale = get_locale()
    if locale is None:  # no app context
        return _NO_TRANSLATION
    kept = g.get("apusida_catalogue")
    if kept is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    g.apusida_catalogue = (locale, translations)
    return translations


def gettext(text: str, **variables) -> str:
    """As flask_babel.gettext."""
    translated = catalogue().ugettext(text)
    return translated % variables if variables else translated


def catalogue_of(context):
    """The catalogue of this rendering (see TEMPLATE_CATALOGUE), for template helpers
    that translate once per row (status tags, labels)."""
    return context.get(TEMPLATE_CATALOGUE) or catalogue()


@pass_context
def _template_gettext(context, text: str, **variables) -> str:
    """_() in templates: what Jinja's "newstyle" gettext does, without its two extra indirections."""
    translated = catalogue_of(context).ugettext(text)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    # Formatting with no variables only turns "%%" into "%": skip it for texts without "%".
    return translated % variables if variables or "%" in translated else translated


@pass_context
def _template_ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    translated = catalogue_of(context).ungettext(singular, plural, num)
    if "%(num)d" in translated and isinstance(variables["num"], int):
        # The count with the locale's digit grouping (1.234 in Indonesian, 1,234 in English).
        translated = translated.replace("%(num)d", "%(num)s")
        variables["num"] = format_decimal(variables["num"])
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables


def install(app: Flask) -> None:
    """Templates' _(), gettext() and ngettext() use the catalogue found once per
    rendering (Flask-Babel's behaviour, faster)."""
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)
    app.context_processor(lambda: {TEMPLATE_CATALOGUE: catalogue()})
