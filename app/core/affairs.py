"""Government affairs (urusan pemerintahan, UU 23/2014), shipped as app/data/affairs.csv."""
import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask_babel import get_locale

from app.core.i18n import current_language

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "affairs.csv"


@dataclass(frozen=True)
class Affair:
    code: str
    name_id: str
    name_en: str
    group: str

    @property
    def name(self) -> str:
        locale = get_locale()
        return self.name_en if locale is not None and locale.language == "en" else self.name_id


@lru_cache(maxsize=1)
def all_affairs() -> dict[str, Affair]:
    with DATA_FILE.open(newline="", encoding="utf-8") as handle:
        return {row["code"]: Affair(**row) for row in csv.DictReader(handle)}


def affair_name(code: str | None) -> str:
    affair = all_affairs().get(code or "")
    return affair.name if affair else (code or "")


def affair_choices() -> list[tuple[str, str]]:
    """(code, name) pairs in the current language, found once for the whole list."""
    english = current_language() == "en"
    return [(a.code, a.name_en if english else a.name_id) for a in all_affairs().values()]
