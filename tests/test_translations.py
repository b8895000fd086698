"""Every text in the code has an English translation in the catalogue."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None}


def extracted_ids() -> set[str]:
    with open(ROOT / "babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    ids = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def test_english_catalogue_translates_every_text():
    with open(ROOT / "app/translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        catalogue = read_po(handle)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalogue
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(extracted_ids() - translated)
    assert not missing, f"{len(missing)} texts lack an English translation (make translations-update): {missing[:10]}"


def test_counts_read_in_the_readers_language(app):
    """app.core.i18n.count_text, which fills the list's vote counts: Babel's grouping per language."""
    from app.core.i18n import count_text

    assert count_text(1234, "id") == "1.234" and count_text(1234, "en") == "1,234"
    assert count_text(7, "en") == "7"
    with app.test_request_context("/"):
        assert count_text(1234) == "1.234"  # no language chosen: Indonesian, the city's
