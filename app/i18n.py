"""Translation lookups: the catalogue found once per request, not once per text.

Flask-Babel finds the catalogue again on every call (context lookups, the
locale's identifier, a cache key): about 25 µs each, several milliseconds on
a page with a hundred texts. Here it is kept on the app context's `g` beside
the locale object it was found for. Flask-Babel keeps that locale on
`g._flask_babel.babel_locale` (Flask-Babel 4); force_locale() and refresh()
replace or drop it, so a switch of language within a request is honoured.
"""
from babel.support import NullTranslations
from flask import Flask, g, has_app_context
from flask_babel import get_domain, get_locale
from jinja2 import pass_context
from markupsafe import Markup

_NO_TRANSLATION = NullTranslations()


def catalogue():
    """The translations of the current locale (none outside the app)."""
    if not has_app_context():
        return _NO_TRANSLATION
    namespace = g._get_current_object().__dict__  # one context lookup instead of several
    cached = namespace.get("_catalogue")
    if cached is not None:
        locale = getattr(namespace.get("_flask_babel"), "babel_locale", None)
        if locale is not None and cached[0] is locale:
            return cached[1]
    translations = get_domain().get_translations()
    namespace["_catalogue"] = (get_locale(), translations)
    return translations


def gettext(text: str, **variables) -> str:
    """As flask_babel.gettext."""
    translated = catalogue().ugettext(text)
    return translated % variables if variables else translated


@pass_context
def _template_gettext(context, text: str, **variables) -> str:
    """_() in templates: what Jinja's "newstyle" gettext does, without its two extra indirections."""
    translated = catalogue().ugettext(text)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    # Formatting with no variables only turns "%%" into "%": skip it for texts without "%".
    return translated % variables if variables or "%" in translated else translated


@pass_context
def _template_ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    translated = catalogue().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables


def install(app: Flask) -> None:
    """Templates' _(), gettext() and ngettext() use the kept catalogue (Flask-Babel's behaviour, faster)."""
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)
