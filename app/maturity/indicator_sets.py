"""The national index's indicator sets as yearly data (DESIGN §9).

The guide of a year defines, per aspect (`innovation`, `region`), the indicators with
their weight and levels. The project ships the current sets as CSV files in
app/data/indicators/ (listed in sets.csv, each with its English beside it), loaded by
`maturity load-indicators [--year Y]`; an admin imports a later year's set from a CSV of
the same columns. One parser reads both, so a shipped file and an imported one obey the
same rules. An import is all or nothing: every problem is named with its line, and nothing
is stored until the whole file is right.

A cycle uses the newest set of its year or before (the oldest when none is that old); once
the cycle stores its own copy of the levels (its first claim), it keeps the set of that copy,
so claims made against an older set keep their set.
"""
import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import delete, exists, select

from app.core import audit
from app.core.extensions import db
from app.core.i18n import N_
from app.models import ASPECTS, Claim, Indicator, IndicatorLevel, IndicatorSet, RegionClaim, SetLevel, User
from app.proposals.services import ServiceError

SETS_DIR = Path(__file__).resolve().parent.parent / "data" / "indicators"
SETS_FILE = SETS_DIR / "sets.csv"
MAX_LEVELS = 5
MAX_INDICATORS = 100
MAX_FILE_BYTES = 512 * 1024
MAX_ERRORS = 20  # a file wrong on every line is named by its first problems, not a thousand
REQUIRED_COLUMNS = ("code", "name", "level_1", "points_1")
KNOWN_COLUMNS = ("code", "order", "name", "evidence", "weight",
                 *(f"{kind}_{n}" for n in range(1, MAX_LEVELS + 1) for kind in ("level", "points")))
CODE_PATTERN = re.compile(r"^[a-z0-9_]{1,40}$")
ASPECT_NAMES = {"innovation": N_("Indikator satuan inovasi"), "region": N_("Indikator satuan pemerintah daerah")}
# Levels of an indicator an admin added by hand (translated in the catalogue).
GENERIC_LEVELS = (N_("Bukti awal tersedia"), N_("Bukti memadai"), N_("Bukti lengkap dan berkelanjutan"))


class SetFileError(ServiceError):
    """A refused indicator file: every problem found, each with its line."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ParsedIndicator:
    code: str
    order: int
    name: str
    evidence: str
    weight: Decimal
    levels: tuple[tuple[str, int], ...]  # (what the evidence must show, points), level 1 first


# --- reading a file -------------------------------------------------------------

def _number(text: str) -> Decimal:
    """A decimal as either language writes it: "1,5" or "1.5"."""
    return Decimal(text.strip().replace(",", "."))


def parse_rows(text: str) -> list[ParsedIndicator]:
    """The indicators of one CSV text, or SetFileError naming every problem with its line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [column.strip() for column in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column and column not in KNOWN_COLUMNS]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(_("Baris 1: kolom %(columns)s tidak ada.", columns=", ".join(missing)))
        if unknown:
            problems.append(_("Baris 1: kolom %(columns)s tidak dikenal.", columns=", ".join(unknown)))
        raise SetFileError(problems)
    reader.fieldnames = header
    problems: list[str] = []
    parsed: list[ParsedIndicator] = []
    codes: set[str] = set()
    for row in reader:
        line = reader.line_num
        if len(parsed) >= MAX_INDICATORS:
            problems.append(_("Baris %(line)d: paling banyak %(n)d indikator dalam satu set.",
                              line=line, n=MAX_INDICATORS))
            break
        if None in row:  # more cells than columns
            problems.append(_("Baris %(line)d: sel lebih banyak daripada kolom.", line=line))
            continue
        values = {key: (value or "").strip() for key, value in row.items()}
        if not any(values.values()):
            continue
        row_problems = []

        def problem(message: str):
            row_problems.append(_("Baris %(line)d: %(problem)s", line=line, problem=message))

        code = values.get("code", "").lower()
        if not CODE_PATTERN.match(code):
            problem(_("kode \"%(code)s\" hanya boleh huruf kecil, angka dan garis bawah (1–40 karakter).",
                      code=code[:40]))
        elif code in codes:
            problem(_("kode \"%(code)s\" dipakai dua kali.", code=code))
        name = values.get("name", "")
        if not name or len(name) > 200:
            problem(_("nama indikator wajib diisi, paling panjang 200 karakter."))
        evidence = values.get("evidence", "")
        if len(evidence) > 4000:
            problem(_("uraian bukti paling panjang 4000 karakter."))
        order = len(parsed) + 1
        if values.get("order"):
            try:
                order = int(values["order"])
                if not 0 <= order <= 10000:
                    raise ValueError
            except ValueError:
                problem(_("urutan harus bilangan bulat 0–10000."))
        weight = Decimal(1)
        if values.get("weight"):
            try:
                weight = _number(values["weight"])
                if not (Decimal(0) < weight <= Decimal(100)) or weight != round(weight, 2):
                    raise InvalidOperation
            except InvalidOperation:
                problem(_("bobot harus angka di atas 0 sampai 100, paling banyak dua desimal."))
        levels: list[tuple[str, int]] = []
        ended = False
        for number in range(1, MAX_LEVELS + 1):
            description = values.get(f"level_{number}", "")
            points_text = values.get(f"points_{number}", "")
            if not description and not points_text:
                ended = True
                continue
            if ended:
                problem(_("level %(n)d diisi padahal level sebelumnya kosong.", n=number))
                break
            if not description or not points_text:
                problem(_("level %(n)d perlu uraian dan poin.", n=number))
                break
            if len(description) > 1000:
                problem(_("uraian level %(n)d paling panjang 1000 karakter.", n=number))
                break
            try:
                points = int(points_text)
                if not 0 <= points <= 1000:
                    raise ValueError
            except ValueError:
                problem(_("poin level %(n)d harus bilangan bulat 0–1000.", n=number))
                break
            if levels and points < levels[-1][1]:
                problem(_("poin level %(n)d lebih kecil daripada level sebelumnya.", n=number))
                break
            levels.append((description, points))
        if not levels and not row_problems:
            problem(_("isi paling sedikit level 1 dan poinnya."))
        if row_problems:
            problems += row_problems
            if len(problems) >= MAX_ERRORS:
                break
            continue
        codes.add(code)
        parsed.append(ParsedIndicator(code, order, name, evidence, weight, tuple(levels)))
    if not parsed and not problems:
        problems.append(_("Berkas tidak berisi indikator."))
    if problems:
        raise SetFileError(problems[:MAX_ERRORS])
    return parsed


def example_csv(translate) -> str:
    """Two shipped indicators as an import file holds them, their texts in the reader's language."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("code", "order", "name", "evidence", "weight", "level_1", "points_1", "level_2", "points_2",
                     "level_3", "points_3"))
    shipped = shipped_sets()[0]
    for row in shipped_indicators(shipped.year, shipped.aspect)[:2]:
        levels = [cell for description, points in row.levels for cell in (translate(description), points)]
        writer.writerow((row.code, row.order, translate(row.name), translate(row.evidence), row.weight, *levels))
    return buffer.getvalue()


def read_upload(stream) -> str:
    """The text of an uploaded CSV: limited in size, UTF-8 (as spreadsheet programs save it)."""
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise SetFileError([_("Berkas terlalu besar: paling besar %(kb)d KB.", kb=MAX_FILE_BYTES // 1024)])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SetFileError([_("Berkas bukan teks UTF-8. Simpan sebagai \"CSV UTF-8\" lalu unggah lagi.")]) from None


# --- the shipped sets --------------------------------------------------------------

@dataclass(frozen=True)
class ShippedSet:
    year: int
    aspect: str
    weight: Decimal
    source: str

    @property
    def path(self) -> Path:
        return SETS_DIR / f"{self.year}-{self.aspect}.csv"

    @property
    def english_path(self) -> Path:
        return SETS_DIR / f"{self.year}-{self.aspect}.en.csv"


@cache
def shipped_sets() -> tuple[ShippedSet, ...]:
    with SETS_FILE.open(newline="", encoding="utf-8") as handle:
        return tuple(ShippedSet(int(row["year"]), row["aspect"], Decimal(row["weight"]), row["source"])
                     for row in csv.DictReader(handle))


@cache
def shipped_indicators(year: int, aspect: str) -> tuple[ParsedIndicator, ...]:
    shipped = next(s for s in shipped_sets() if (s.year, s.aspect) == (year, aspect))
    return tuple(parse_rows(shipped.path.read_text(encoding="utf-8")))


@cache
def english_texts() -> dict[str, str]:
    """Each shipped Indonesian text (name, evidence, level) and its English, joined by code."""
    texts: dict[str, str] = {}
    for shipped in shipped_sets():
        with shipped.english_path.open(newline="", encoding="utf-8") as handle:
            english = {row["code"]: row for row in csv.DictReader(handle)}
        for row in shipped_indicators(shipped.year, shipped.aspect):
            translated = english.get(row.code, {})
            pairs = [(row.name, translated.get("name")), (row.evidence, translated.get("evidence"))]
            pairs += [(description, translated.get(f"level_{n}"))
                      for n, (description, _points) in enumerate(row.levels, start=1)]
            texts.update({indonesian: english_text for indonesian, english_text in pairs if english_text})
    return texts


def _add_indicator(indicator_set: IndicatorSet, row: ParsedIndicator) -> Indicator:
    indicator = Indicator(set=indicator_set, code=row.code, name=row.name, evidence=row.evidence,
                          weight=row.weight, order=row.order, active=True)
    indicator.set_levels = [SetLevel(level=number, description=description, points=points)
                            for number, (description, points) in enumerate(row.levels, start=1)]
    db.session.add(indicator)
    return indicator


def load_shipped(year: int | None = None, actor: User | None = None) -> int:
    """Add the shipped sets (of one year, or all) and their indicators that are missing;
    returns how many indicators were added. Existing indicators are never changed."""
    chosen = [s for s in shipped_sets() if year is None or s.year == year]
    if year is not None and not chosen:
        raise ServiceError(_("Tidak ada set indikator bawaan untuk tahun %(year)d.", year=year))
    added = 0
    for shipped in chosen:
        indicator_set = db.session.scalar(select(IndicatorSet).where(
            IndicatorSet.year == shipped.year, IndicatorSet.aspect == shipped.aspect))
        if indicator_set is None:
            indicator_set = IndicatorSet(year=shipped.year, aspect=shipped.aspect, weight=shipped.weight,
                                         source=shipped.source)
            db.session.add(indicator_set)
            db.session.flush()
        present = set(db.session.scalars(select(Indicator.code).where(Indicator.set_id == indicator_set.id)))
        for row in shipped_indicators(shipped.year, shipped.aspect):
            if row.code not in present:
                _add_indicator(indicator_set, row)
                added += 1
    db.session.flush()
    if added:
        audit.record("maturity_indicators_loaded", actor=actor, summary=str(added), added=added, year=year)
    return added


def missing_shipped() -> int:
    """How many shipped indicators the database lacks (by year, aspect and code), in one query."""
    present = {tuple(row) for row in db.session.execute(
        select(IndicatorSet.year, IndicatorSet.aspect, Indicator.code).join(Indicator, Indicator.set_id == IndicatorSet.id))}
    return sum(1 for shipped in shipped_sets() for row in shipped_indicators(shipped.year, shipped.aspect)
               if (shipped.year, shipped.aspect, row.code) not in present)


# --- which set a cycle uses ------------------------------------------------------

def set_for(year: int, aspect: str) -> IndicatorSet | None:
    """The newest set of the aspect from `year` or before; the oldest if every set is later."""
    found = db.session.scalar(select(IndicatorSet).where(IndicatorSet.aspect == aspect, IndicatorSet.year <= year)
                              .order_by(IndicatorSet.year.desc()).limit(1))
    if found is None:
        found = db.session.scalar(select(IndicatorSet).where(IndicatorSet.aspect == aspect)
                                  .order_by(IndicatorSet.year).limit(1))
    return found


def set_levels(set_id: int) -> dict[int, list[tuple[int, str, int]]]:
    """(level, description, points) per indicator of a set, in one query."""
    levels: dict[int, list[tuple[int, str, int]]] = {}
    rows = db.session.execute(
        select(SetLevel.indicator_id, SetLevel.level, SetLevel.description, SetLevel.points)
        .join(Indicator, Indicator.id == SetLevel.indicator_id).where(Indicator.set_id == set_id)
        .order_by(SetLevel.indicator_id, SetLevel.level))
    for row in rows:
        levels.setdefault(row.indicator_id, []).append((row.level, row.description, row.points))
    return levels


def in_use(indicator_set: IndicatorSet) -> bool:
    """Some claim (of an innovation or of the region) was made against this set."""
    ids = select(Indicator.id).where(Indicator.set_id == indicator_set.id)
    return bool(db.session.scalar(select(exists().where(Claim.indicator_id.in_(ids))))
                or db.session.scalar(select(exists().where(RegionClaim.indicator_id.in_(ids)))))


# --- an admin's import -------------------------------------------------------------

def import_set(year: int, aspect: str, weight: Decimal, text: str, actor: User, source: str = "") -> IndicatorSet:
    """Store a year's set from CSV text, all or nothing. A set of the same year and aspect is
    replaced while no claim uses it, and refused once one does (its claims keep their set)."""
    if aspect not in ASPECTS:
        raise ServiceError(_("Pilih aspek indikator."))
    if not (Decimal(0) <= weight <= Decimal(1)):
        raise ServiceError(_("Bobot aspek harus 0–100%."))
    rows = parse_rows(text)
    existing = db.session.scalar(select(IndicatorSet).where(IndicatorSet.year == year, IndicatorSet.aspect == aspect))
    replaced = 0
    if existing is not None:
        if in_use(existing):
            raise ServiceError(_("Set %(year)d untuk aspek ini sudah dipakai klaim bukti, jadi tidak dapat diganti. "
                                 "Impor sebagai set tahun berikutnya.", year=year))
        ids = select(Indicator.id).where(Indicator.set_id == existing.id)
        # Levels a cycle copied from the old set go with it: no claim uses them.
        db.session.execute(delete(IndicatorLevel).where(IndicatorLevel.indicator_id.in_(ids)))
        db.session.execute(delete(SetLevel).where(SetLevel.indicator_id.in_(ids)))
        replaced = db.session.execute(delete(Indicator).where(Indicator.set_id == existing.id)).rowcount
        db.session.expire(existing)
        indicator_set = existing
        indicator_set.weight = weight
        indicator_set.source = source.strip()
    else:
        indicator_set = IndicatorSet(year=year, aspect=aspect, weight=weight, source=source.strip())
        db.session.add(indicator_set)
    db.session.flush()
    for row in rows:
        _add_indicator(indicator_set, row)
    db.session.flush()
    audit.record("maturity_set_imported", actor=actor, summary=f"{year} {aspect}: {len(rows)}", year=year,
                 aspect=aspect, indicators=len(rows), replaced=replaced, weight=str(weight))
    return indicator_set


def add_generic_levels(indicator: Indicator) -> None:
    """Three levels for an indicator an admin added by hand."""
    indicator.set_levels = [SetLevel(level=number, description=text, points=number)
                            for number, text in enumerate(GENERIC_LEVELS, start=1)]
