"""Texts written now and read later, each time in the reader's language.

A notification is written while one person acts, in that person's language,
and read later by someone else who may have chosen the other language. So it is
kept as its Indonesian msgid and its parameters (StoredText) and translated
when it is shown (render). A parameter that is itself a text to translate is
kept as a reference: label(kind, code) for a code's label, text(msgid) for a
catalogue text, data(kind, value) for a text shipped as data in two languages
(translated by the function the owning feature registers, register_data),
day(date) for a date written out in the reader's language;
anything else (a title, a note someone typed) stays as written.

The msgids are marked with i18n.N_ so that extraction finds them; Indonesian is
the source, so the Indonesian rendering is also kept beside them (for e-mail,
which goes out in the default language, and for readers of the raw table).
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import has_app_context
from flask_babel import force_locale, format_date

from app.core.i18n import DEFAULT_LANGUAGE, gettext
from app.core.labels import label as label_of


def label(kind: str, code: str) -> dict[str, str]:
    """A parameter shown as the translated label of a stored code (app.core.labels)."""
    return {"label": kind, "code": code}


def text(msgid: str) -> dict[str, str]:
    """A parameter shown as the translation of a catalogue text."""
    return {"text": msgid}


# Translators of texts shipped as data, by kind ("indicator": app.maturity's), registered by
# their feature so that core imports no feature.
_DATA_TRANSLATORS: dict[str, Callable[[str], str]] = {}


def register_data(kind: str, translate: Callable[[str], str]) -> None:
    """Let data(kind, value) parameters be shown through `translate` (value -> current language)."""
    _DATA_TRANSLATORS[kind] = translate


def data(kind: str, value: str) -> dict[str, str]:
    """A parameter shown as a text shipped as data, in the current language (see register_data)."""
    return {"data": kind, "value": value}


def day(value: date) -> dict[str, str]:
    """A parameter shown as a date in the reader's language ("6 Mei 2024", "May 6, 2024")."""
    return {"date": value.isoformat()}


def _shown(value: Any) -> Any:
    if isinstance(value, dict):
        if "label" in value:
            return label_of(value["label"], value.get("code"))
        if "text" in value:
            return gettext(value["text"])
        if "data" in value:
            translate = _DATA_TRANSLATORS.get(value["data"])
            return translate(value.get("value", "")) if translate else value.get("value", "")
        if "date" in value:
            try:
                return format_date(date.fromisoformat(value["date"]), "long")
            except (TypeError, ValueError):
                return value["date"]
    return value


def render(key: str, params: dict[str, Any] | None, fallback: str = "") -> str:
    """The text of `key` with its parameters, in the current language.

    A translation that no longer fits its parameters (a catalogue edited since)
    shows the stored Indonesian text rather than failing the page."""
    values = {name: _shown(value) for name, value in (params or {}).items()}
    try:
        return gettext(key) % values  # always formatted: a key with placeholders and no parameters falls back
    except (KeyError, ValueError, TypeError):
        return fallback or key


@dataclass(frozen=True)
class StoredText:
    """A msgid (Indonesian) and its parameters, JSON-ready."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def shown(self) -> str:
        """In the current language."""
        return render(self.key, self.params)

    def indonesian(self) -> str:
        """In the default language, whoever is acting."""
        if not has_app_context():
            return render(self.key, self.params)
        with force_locale(DEFAULT_LANGUAGE):
            return render(self.key, self.params)


def stored(key: str, **params: Any) -> StoredText:
    """StoredText(key, params): `stored(N_("Usulan “%(title)s” ..."), title=proposal.title)`."""
    return StoredText(key, params)
