"""The innovation team as people write it: one member a line, "Name — Role".

The form's team box is plain text, so it works without JavaScript, takes a list pasted from
a document or a spreadsheet (two columns arrive separated by a tab) and keeps what was typed
when it comes back with a message. `parse_team` reads it and names each line it cannot read;
`team_text` writes the stored team back the same way. The limits are the model's
(MAX_TEAM_MEMBERS and the columns' lengths); the service checks them again (check_team).
"""
import re
from dataclasses import dataclass

from flask_babel import format_number
from flask_babel import gettext as _

from app.models import MAX_TEAM_MEMBERS, TeamMember
from app.web.inputs import max_length

SEPARATOR = " — "
# Between name and role: an em or en dash, a hyphen with a space on each side, or a tab.
_SPLIT = re.compile(r"\s*(?:[—–]|\t|\s-\s)\s*")
# A list pasted with its bullets or numbers ("- ", "• ", "3. ", "3) "): the mark is not part of the name.
_LIST_MARK = re.compile(r"^\s*(?:[-•*·]|\d{1,2}[.)])\s+")


@dataclass
class TeamReading:
    """What a team box holds: the members it could read, and a message per line it could not."""

    members: list[tuple[str, str]]
    errors: list[str]


def _tidy(text: str) -> str:
    return " ".join(text.split())


def parse_team(text: str | None) -> TeamReading:
    """Read "Name — Role" lines; empty lines are skipped, each problem names its line."""
    name_limit, role_limit = max_length(TeamMember.name), max_length(TeamMember.role)
    members: list[tuple[str, str]] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    filled = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    if len(filled) > MAX_TEAM_MEMBERS:
        return TeamReading([], [_("Paling banyak %(max)s anggota tim; ada %(count)s baris berisi. Tulis anggota "
                                  "inti saja.", max=format_number(MAX_TEAM_MEMBERS),
                                  count=format_number(len(filled)))])
    for number, line in filled:
        parts = _SPLIT.split(_LIST_MARK.sub("", line, count=1).strip(), maxsplit=1)
        if len(parts) < 2:
            errors.append(_("Baris %(line)s: pisahkan nama dan peran dengan tanda —, misalnya “Budi Santoso — "
                            "Ketua tim”.", line=format_number(number)))
            continue
        name, role = _tidy(parts[0]), _tidy(parts[1])
        if not name:
            errors.append(_("Baris %(line)s: tulis nama anggota sebelum tanda —.", line=format_number(number)))
        elif not role:
            errors.append(_("Baris %(line)s: tulis peran %(name)s setelah tanda —.", line=format_number(number),
                            name=name))
        elif len(name) > name_limit:
            errors.append(_("Baris %(line)s: nama paling banyak %(max)s karakter; yang ini %(length)s karakter.",
                            line=format_number(number), max=format_number(name_limit),
                            length=format_number(len(name))))
        elif len(role) > role_limit:
            errors.append(_("Baris %(line)s: peran paling banyak %(max)s karakter; yang ini %(length)s karakter.",
                            line=format_number(number), max=format_number(role_limit),
                            length=format_number(len(role))))
        elif name.casefold() in seen:
            errors.append(_("Baris %(line)s: %(name)s sudah tertulis di baris %(first)s.", line=format_number(number),
                            name=name, first=format_number(seen[name.casefold()])))
        else:
            seen[name.casefold()] = number
            members.append((name, role))
    return TeamReading(members, errors)


def team_text(members) -> str:
    """The stored team, (name, role) pairs, as the form's box shows it."""
    return "\n".join(f"{name}{SEPARATOR}{role}" for name, role in members)
