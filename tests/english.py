"""Finding Indonesian catalogue text left in a page or a file that should be in English.

The catalogue says what the app writes in Indonesian and its English. A page
rendered in English must hold none of those Indonesian texts, except where the
Indonesian is also valid English (the same in both columns: "Admin", "Drum-up",
or a name such as "Kota Probolinggo" that the English keeps).

The shipped indicator sets (app/data/indicators/, each with its English) are checked the same way.

Two checks, on what a person reads (text and the attributes read aloud or shown):
- a whole text (a button, a label, a heading, a cell) that is an Indonesian msgid
  of at least MIN_WHOLE characters;
- a piece of an Indonesian msgid between its placeholders and tags, of at least
  MIN_WORDS words and MIN_PIECE characters, anywhere in the text.
"""
import csv
import re
from dataclasses import dataclass
from functools import cache
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "app/translations/en/LC_MESSAGES/messages.po"
# Texts shipped as data in two languages (Indonesian file, English file, joined by code):
# looked for like the catalogue's.
DATA_IN_TWO_LANGUAGES = [(english.with_name(english.name.replace(".en.csv", ".csv")), english,
                          ("name", "evidence", "level_1", "level_2", "level_3"))
                         for english in sorted((ROOT / "app/data/indicators").glob("*.en.csv"))]
# Tables of such shipped data: their texts are not "typed" (see untranslated).
SHIPPED_DATA_TABLES = {"maturity_indicator", "maturity_level", "maturity_set_level", "maturity_indicator_set"}
MIN_WHOLE = 4
MIN_PIECE = 12
MIN_WORDS = 2
SPLIT = re.compile(r"%\(\w+\)[sdif]|%[sdif]|<[^>]*>|[\n\t]")
SPACES = re.compile(r"\s+")
# Attributes whose text people read or hear.
READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "data-announce", "aria-description"}


def normalise(text: str) -> str:
    return SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class Needles:
    whole: frozenset[str]  # Indonesian texts that must not be a whole text of the page
    pieces: tuple[str, ...]  # Indonesian pieces that must not appear anywhere in it
    source: dict  # piece or whole text -> the msgid it comes from


@cache
def needles() -> Needles:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    messages = []
    english_all = []
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            continue
        messages.append((ids, strings))
        english_all.extend(normalise(unescape(s)) for s in strings)
    for indonesian_file, english_file, columns in DATA_IN_TWO_LANGUAGES:
        with indonesian_file.open(encoding="utf-8") as a, english_file.open(encoding="utf-8") as b:
            english_rows = {row["code"]: row for row in csv.DictReader(b)}
            for row in csv.DictReader(a):
                english_row = english_rows.get(row["code"], {})
                messages.append((tuple(row[c] for c in columns), tuple(english_row.get(c, "") for c in columns)))
                english_all.extend(english_row.get(c, "") for c in columns)
    english_texts = set(english_all)
    english_blob = "\n".join(english_all).casefold()
    whole, pieces, source = set(), set(), {}
    for ids, _strings in messages:
        for msgid in ids:
            text = normalise(unescape(msgid))
            if "%" not in text and "<" not in text and len(text) >= MIN_WHOLE and text not in english_texts:
                whole.add(text)
                source.setdefault(text, msgid)
            for piece in SPLIT.split(unescape(msgid)):
                piece = normalise(piece).strip(" .,:;!?()“”\"'—–-·/")
                if (len(piece) >= MIN_PIECE and len(piece.split()) >= MIN_WORDS
                        and piece.casefold() not in english_blob):
                    pieces.add(piece)
                    source.setdefault(piece, msgid)
    return Needles(frozenset(whole), tuple(sorted(pieces, key=len, reverse=True)), source)


class _Reader(HTMLParser):
    """The texts of a page as a person meets them (no scripts, no styles, no hidden inputs)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        attributes = dict(attrs)
        for name in READ_ATTRIBUTES & attributes.keys():
            self.texts.append(attributes[name] or "")
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.texts.append(attributes["value"])
        if tag == "meta" and attributes.get("name") == "description":
            self.texts.append(attributes.get("content") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.texts.append(data)


def page_texts(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    return [text for text in map(normalise, reader.texts) if text]


def untranslated(texts: list[str], typed: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(what was found, the msgid it comes from) for each Indonesian catalogue text in `texts`.

    `typed` are the texts people wrote (titles, descriptions, notes: the data),
    which stay as written in every language: a text that is one of them, or part
    of one, is not looked at."""
    found = needles()
    if typed:
        texts = [text for text in texts if text not in typed and not any(text in value for value in typed)]
    hits = {text for text in texts if text in found.whole}
    joined = "\n".join(texts)
    hits.update(piece for piece in found.pieces if piece in joined)
    return sorted((hit, found.source[hit]) for hit in hits)


def untranslated_in_html(html: str, typed: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    return untranslated(page_texts(html), typed)


def typed_texts(session, metadata) -> frozenset[str]:
    """Every text stored in the database (what people typed, and the app's stored
    Indonesian renderings), normalised: see `typed` above."""
    from sqlalchemy import String, Text, select

    values = set()
    for table in metadata.sorted_tables:
        if table.name in SHIPPED_DATA_TABLES:
            continue
        columns = [column for column in table.columns if isinstance(column.type, (String, Text))]
        if not columns:
            continue
        for row in session.execute(select(*columns)):
            values.update(normalise(value) for value in row if isinstance(value, str) and value.strip())
    return frozenset(values)
