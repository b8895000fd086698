"""The 17 Sustainable Development Goals (Tujuan Pembangunan Berkelanjutan, TPB), shipped as
app/data/sdg_goals.csv with the Indonesian names Bappenas uses and the United Nations' English ones.

A proposal stores only a goal's number (app.models.ProposalSdg, 1 to 17); its name is read
here in the reader's language.
"""
import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.core.i18n import current_language
from app.models import SDG_GOALS

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "sdg_goals.csv"

# "TPB 3", "SDG 3", "SDGs 3", "tujuan 3": a goal asked for by its number in a search box.
_WORD = re.compile(r"[^\W_]+")
_BY_NUMBER = re.compile(r"^(?:tpb|sdgs?|tujuan|goal)\s*-?\s*(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True)
class Goal:
    number: int
    name_id: str
    name_en: str

    def name_in(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_id


@lru_cache(maxsize=1)
def all_goals() -> dict[int, Goal]:
    """The goals by number, in their order."""
    with DATA_FILE.open(newline="", encoding="utf-8") as handle:
        goals = {int(row["number"]): Goal(int(row["number"]), row["name_id"], row["name_en"])
                 for row in csv.DictReader(handle)}
    if tuple(goals) != SDG_GOALS:
        raise RuntimeError(f"{DATA_FILE} must list the goals {SDG_GOALS[0]} to {SDG_GOALS[-1]} in order")
    return goals


def goal_name(number: int | None, language: str | None = None) -> str:
    """A goal's name in `language` (the reader's unless given), or "" for a number that is no goal."""
    goal = all_goals().get(number) if isinstance(number, int) else None
    return goal.name_in(language or current_language()) if goal else ""


def goal_label(number: int, language: str | None = None) -> str:
    """"3. Kehidupan Sehat dan Sejahtera": the number and the name, as lists and choices show a goal."""
    return f"{number}. {goal_name(number, language)}"


def goal_choices() -> list[tuple[int, str]]:
    """(number, "number. name") pairs in the reader's language, for a select or checkboxes."""
    language = current_language()
    return [(goal.number, goal_label(goal.number, language)) for goal in all_goals().values()]


def goals_matching(text: str, stem=None) -> list[int]:
    """The goals a search text names: by number ("TPB 3", "SDG 11") or by a part of the name
    in either language ("kemiskinan", "climate"), or, given a `stem` function (the search's
    Indonesian stemmer), by words whose stems are all in the name ("kesehatan" names
    "Kehidupan Sehat dan Sejahtera"). A search of the showcase finds the innovations that
    serve them."""
    text = " ".join((text or "").split()).lower()
    if not text:
        return []
    by_number = _BY_NUMBER.match(text)
    if by_number:
        number = int(by_number.group(1))
        return [number] if number in all_goals() else []
    stems = {stem(word) for word in _WORD.findall(text)} if stem else set()

    def named(name: str) -> bool:
        return text in name.lower() or bool(stems) and stems <= {stem(word) for word in _WORD.findall(name)}

    return [goal.number for goal in all_goals().values() if named(goal.name_id) or named(goal.name_en)]
