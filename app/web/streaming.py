"""Exports written while they are sent: a ZIP of evidence files and an XLSX of many rows, as byte
chunks for `Response(stream_with_context(chunks), mimetype=...)`.

Memory is bounded by a chunk (CHUNK_SIZE), not by a file or the archive: zipfile writes into a
sink that holds only what was written since the generator last drained it. The sink cannot seek,
so zipfile puts each entry's CRC and sizes in a data descriptor after its data instead of going
back to rewrite its header.

An error while streaming (a file gone, a row too many for a sheet) cuts the download short and the
browser reports it as failed: check what can be checked before the response starts.

Times in ZIP entries and XLSX cells carry no zone. Naive times are taken as wall-clock times, as
the other exports take them (pass stored UTC times through `xlsx.city_time` first); aware ones are
shown in the city's time.
"""
import math
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path, PurePosixPath
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

from app.web.csv_export import FORMULA_STARTS
from app.web.xlsx import CITY_TIMEZONE, DATE_FORMAT, DATETIME_FORMAT, DECIMAL_FORMAT, header_width

ZIP_MIMETYPE = "application/zip"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What is read from a file at a time and how much output is gathered before it is yielded: a
# yielded chunk stays under about twice this, whatever the sizes of files and of callers' chunks.
# The last chunk also holds the archive's directory, some 100 bytes an entry.
CHUNK_SIZE = 64 * 1024

# Text shrinks several times over when deflated. Evidence files are mostly PDFs, photos and office
# documents, compressed already: deflating them again would spend CPU on every download of a
# 2 GB set to gain a few percent, so they are stored as they are.
TEXT_SUFFIXES = (".csv", ".txt", ".xml", ".json", ".html", ".htm", ".md", ".svg", ".rels")


@dataclass(frozen=True)
class ZipEntry:
    """One file of an archive: its name there, where its bytes come from, and its time.

    `chunks` is a Path, read in CHUNK_SIZE pieces when the archive reaches it, or a callable called
    only then, that returns the bytes as an iterable of chunks. `modified` defaults to the file's
    own time for a Path and to now for a callable.
    """

    name: str
    chunks: Callable[[], Iterable[bytes]] | Path
    modified: datetime | None = None


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a bold header row, frozen, then `rows`, read once while the sheet is written.

    `widths` are in characters, by column; a column without one is as wide as its title asks
    (`xlsx.header_width`), as in the other exports.
    """

    title: str
    header: list[str]
    rows: Iterable[Sequence]
    widths: list[float] | None = None


class _Sink:
    """The file zipfile writes into: it keeps what was written until `drain` hands it on.

    tell() gives the offset zipfile records for each entry; there is no seek(), which is what
    tells zipfile to write data descriptors rather than go back.
    """

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._offset = 0
        self.pending = 0

    def write(self, data) -> int:
        data = bytes(data)  # a stored entry's slice comes as a memoryview; bytes stay the same object
        self._parts.append(data)
        self._offset += len(data)
        self.pending += len(data)
        return len(data)

    def tell(self) -> int:
        return self._offset

    def flush(self) -> None:
        """Nothing to do: the generator drains the sink itself."""

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        self.pending = 0
        return data


# Control characters are dropped from names; Windows refuses these other characters in a name,
# and a file named after one of its devices.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
_DRIVE = re.compile(r"^[A-Za-z]:")
# File systems take names of 255 bytes; the rest is left for a " (2)" a duplicate may get.
_MAX_SEGMENT_BYTES = 240


def clean_name(name: str) -> str:
    """A name that unzips inside the folder it is unzipped into, on Windows too: backslashes
    separate folders; a drive, leading slashes, "." and ".." are dropped; characters Windows
    refuses become "_". A name with nothing left is "file"."""
    text = _DRIVE.sub("", _CONTROL.sub("", name.replace("\\", "/")))
    segments = []
    for segment in text.split("/"):
        # Windows drops trailing dots and spaces itself, which also leaves ".." and "." empty.
        segment = _WINDOWS_FORBIDDEN.sub("_", segment).strip().rstrip(". ")
        if not segment:
            continue
        if segment.split(".", 1)[0].upper() in _WINDOWS_DEVICES:
            segment = "_" + segment
        segments.append(_shortened(segment))
    return "/".join(segments) or "file"


def _shortened(segment: str) -> str:
    """A file or folder name cut to _MAX_SEGMENT_BYTES in UTF-8, its extension kept."""
    if len(segment.encode()) <= _MAX_SEGMENT_BYTES:
        return segment
    suffix = PurePosixPath(segment).suffix
    if len(suffix.encode()) > 16:  # not an extension but a long name with a dot in it
        suffix = ""
    budget = _MAX_SEGMENT_BYTES - len(suffix.encode())
    stem = segment[: len(segment) - len(suffix)].encode()[:budget].decode(errors="ignore")
    return stem.rstrip(". ") + suffix


class _UniqueNames:
    """The names in an archive so far, compared ignoring case as Windows and macOS compare them
    when unzipping; a name already there gets " (2)", " (3)"… before its extension."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._last_number: dict[str, int] = {}  # so that a thousand "scan.pdf" cost no quadratic search

    def claim(self, name: str) -> str:
        key = name.casefold()
        candidate = name
        if key in self._taken:
            path = PurePosixPath(name)
            number = self._last_number.get(key, 1)
            while candidate.casefold() in self._taken:
                number += 1
                candidate = str(path.with_name(f"{path.stem} ({number}){path.suffix}"))
            self._last_number[key] = number
        self._taken.add(candidate.casefold())
        # A later file may not take the name of a folder: the two could not be unzipped side by side.
        self._taken.update(str(folder).casefold() for folder in PurePosixPath(candidate).parents if str(folder) != ".")
        return candidate


def _wall_clock(value: datetime) -> datetime:
    """A time as the city's clocks show it (see the module's docstring)."""
    return value.astimezone(CITY_TIMEZONE).replace(tzinfo=None) if value.tzinfo else value


def _zip_time(value: datetime) -> tuple[int, int, int, int, int, int]:
    """A time as a ZIP entry holds it, within the years the format can hold (1980 to 2107)."""
    value = _wall_clock(value)
    if value.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    if value.year > 2107:
        return (2107, 12, 31, 23, 59, 58)
    return (value.year, value.month, value.day, value.hour, value.minute, value.second)


def _zip_info(name: str, modified: datetime, size: int | None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, _zip_time(modified))
    info.compress_type = zipfile.ZIP_DEFLATED if name.lower().endswith(TEXT_SUFFIXES) else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16  # readable by all once unzipped on Unix; zipfile's default is owner-only
    if size is not None:
        info.file_size = size  # zipfile gives an entry ZIP64 headers when this is near 2 GiB
    return info


def _pieces(chunk) -> Iterator[bytes | memoryview]:
    """A caller's chunk in slices of at most CHUNK_SIZE, so that no yielded chunk grows with it."""
    if isinstance(chunk, bytes) and len(chunk) <= CHUNK_SIZE:
        yield chunk
        return
    view = memoryview(chunk).cast("B")
    for start in range(0, view.nbytes, CHUNK_SIZE):
        yield view[start:start + CHUNK_SIZE]


def _write_entry(archive: zipfile.ZipFile, sink: _Sink, info: zipfile.ZipInfo, chunks: Iterable,
                 force_zip64: bool) -> Iterator[bytes]:
    """One entry into the archive, yielding the sink's bytes whenever a chunk's worth is waiting."""
    with archive.open(info, mode="w", force_zip64=force_zip64) as member:
        for chunk in chunks:
            for piece in _pieces(chunk):
                member.write(piece)
                if sink.pending >= CHUNK_SIZE:
                    yield sink.drain()
    if sink.pending >= CHUNK_SIZE:
        yield sink.drain()


def stream_zip(entries: Iterable[ZipEntry], *, zip64_for_unknown_sizes: bool = True) -> Iterator[bytes]:
    """The archive of `entries` as chunks. `entries` is iterated, and each entry's bytes read, only
    as the archive reaches them. Names are cleaned (`clean_name`) and made unique.

    An entry from a callable has no size in advance, so it gets ZIP64 headers and may grow past
    2 GiB: zipfile cannot widen a header it has already sent. `zip64_for_unknown_sizes=False`
    keeps their headers 32-bit, as Excel requires of an XLSX; such an entry over 2 GiB then fails.
    A file's size is known, and zipfile gives ZIP64 headers only to a file that needs them.
    """
    sink = _Sink()
    names = _UniqueNames()
    with zipfile.ZipFile(sink, mode="w") as archive:
        for entry in entries:
            name = names.claim(clean_name(entry.name))
            if isinstance(entry.chunks, os.PathLike):
                with open(entry.chunks, "rb") as file:
                    status = os.fstat(file.fileno())
                    modified = entry.modified or datetime.fromtimestamp(status.st_mtime, UTC)
                    reads = iter(partial(file.read, CHUNK_SIZE), b"")
                    yield from _write_entry(archive, sink, _zip_info(name, modified, status.st_size), reads, False)
            else:
                source = entry.chunks()
                if isinstance(source, (bytes, bytearray, memoryview)):
                    source = (source,)  # one chunk, not an iterable of ints
                try:
                    info = _zip_info(name, entry.modified or datetime.now(UTC), None)
                    yield from _write_entry(archive, sink, info, source, zip64_for_unknown_sizes)
                finally:
                    close = getattr(source, "close", None)
                    if close is not None:  # a generator holding a file or a query ends now, not when collected
                        close()
    if sink.pending:
        yield sink.drain()


# Excel's limits: a larger sheet or a longer text makes it refuse or "repair" the file.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_TEXT = 32_767
MAX_TITLE = 31
# Integers are stored as doubles, which Excel shows to 15 digits: a longer number (an ID card
# number has 16) would come out changed, so it is written as text.
_LARGEST_EXACT_INTEGER = 10**15 - 1
# Excel's day 1 is 1900-01-01 and it counts a 29 February 1900 that never was: counting from
# 1899-12-30 gives its serial numbers from March 1900 on. Earlier dates are written as text.
_EXCEL_EPOCH = datetime(1899, 12, 30)
_FIRST_EXACT_DATE = date(1900, 3, 1)
# Characters XML 1.0 cannot hold, and lone surrogates, which UTF-8 cannot.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

# Cell styles, by their place in styles.xml's cellXfs.
_BOLD, _DATE, _DATETIME, _DECIMAL, _TEXT_AS_TYPED = 1, 2, 3, 4, 5

_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _content_types(count: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{number}.xml" ContentType="{_CONTENT_TYPE}.worksheet+xml"/>'
        for number in range(1, count + 1)
    )
    return (
        f'{_XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CONTENT_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CONTENT_TYPE}.styles+xml"/>'
        f"{sheets}</Types>"
    )


def _package_rels() -> str:
    return (
        f'{_XML_DECLARATION}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )


def _workbook(titles: list[str]) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(title)} sheetId="{number}" r:id="rId{number}"/>'
        for number, title in enumerate(titles, start=1)
    )
    return (
        f'{_XML_DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
        f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets></workbook>'
    )


def _workbook_rels(count: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{number}" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet{number}.xml"/>'
        for number in range(1, count + 1)
    )
    return (
        f'{_XML_DECLARATION}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">{sheets}'
        f'<Relationship Id="rId{count + 1}" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


def _styles() -> str:
    """The default style, bold, the app's date, time and decimal formats (app.web.xlsx), and text
    marked as typed with a leading apostrophe, which stays text when someone edits the cell."""
    formats = "".join(
        f'<numFmt numFmtId="{number}" formatCode={quoteattr(code)}/>'
        for number, code in ((164, DATE_FORMAT), (165, DATETIME_FORMAT), (166, DECIMAL_FORMAT))
    )
    font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
    plain = 'fontId="0" fillId="0" borderId="0" xfId="0"'
    return (
        f'{_XML_DECLARATION}<styleSheet xmlns="{_MAIN}">'
        f'<numFmts count="3">{formats}</numFmts>'
        f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="6">'
        f'<xf numFmtId="0" {plain}/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        f'<xf numFmtId="164" {plain} applyNumberFormat="1"/>'
        f'<xf numFmtId="165" {plain} applyNumberFormat="1"/>'
        f'<xf numFmtId="166" {plain} applyNumberFormat="1"/>'
        f'<xf numFmtId="0" {plain} quotePrefix="1"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def sheet_titles(titles: Iterable[str]) -> list[str]:
    """Titles Excel accepts: at most 31 characters, none of []:*?/\\, no apostrophe at either end,
    not "History" (Excel keeps that name), unique ignoring case as Excel compares them."""
    taken: set[str] = set()
    result = []
    for number, title in enumerate(titles, start=1):
        base = _TITLE_FORBIDDEN.sub("_", _CONTROL.sub("", title))[:MAX_TITLE].strip(" '") or f"Sheet{number}"
        if base.casefold() == "history":
            base = "History_"
        candidate, copy = base, 1
        while candidate.casefold() in taken:
            copy += 1
            suffix = f" ({copy})"
            candidate = base[: MAX_TITLE - len(suffix)].rstrip(" '") + suffix
        taken.add(candidate.casefold())
        result.append(candidate)
    return result


def _text_cell(reference: str, text: str, style: int | None = None) -> str:
    """Text as an inline string: XML-escaped, never a formula whatever it starts with."""
    text = _NOT_XML.sub("", text)[:MAX_TEXT]
    if not text:
        return ""
    if style is None and text.startswith(FORMULA_STARTS):
        style = _TEXT_AS_TYPED
    styled = f' s="{style}"' if style is not None else ""
    space = ' xml:space="preserve"' if text != text.strip() else ""  # else readers trim the spaces
    return f'<c r="{reference}" t="inlineStr"{styled}><is><t{space}>{escape(text)}</t></is></c>'


def _cell(reference: str, value) -> str:
    """One value as a cell; None (and empty text) as no cell at all."""
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: a bool is an int too
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int) and abs(value) <= _LARGEST_EXACT_INTEGER:
        return f'<c r="{reference}"><v>{value}</v></c>'
    if isinstance(value, (float, Decimal)):
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        if not finite:  # Excel has no NaN or infinity; its own word for them is #NUM!
            return f'<c r="{reference}" t="e"><v>#NUM!</v></c>'
        number = repr(value) if isinstance(value, float) else str(value)
        return f'<c r="{reference}" s="{_DECIMAL}"><v>{number}</v></c>'
    if isinstance(value, datetime):  # before date: a datetime is a date too
        value = _wall_clock(value)
        if value.date() < _FIRST_EXACT_DATE:
            return _text_cell(reference, value.isoformat(sep=" "))
        delta = value - _EXCEL_EPOCH
        serial = delta.days + (delta.seconds + delta.microseconds / 1_000_000) / 86_400
        return f'<c r="{reference}" s="{_DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        if value < _FIRST_EXACT_DATE:
            return _text_cell(reference, value.isoformat())
        return f'<c r="{reference}" s="{_DATE}"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>'
    return _text_cell(reference, str(value))


def _row(number: int, values: Iterable, header: bool = False) -> str:
    if number > MAX_ROWS:
        raise ValueError(f"a sheet holds at most {MAX_ROWS:,} rows")
    cells = []
    for column, value in enumerate(values, start=1):
        if column > MAX_COLUMNS:
            raise ValueError(f"a sheet holds at most {MAX_COLUMNS:,} columns")
        reference = f"{get_column_letter(column)}{number}"
        cells.append(_text_cell(reference, str(value), _BOLD) if header else _cell(reference, value))
    return f'<row r="{number}">{"".join(cells)}</row>'


def _columns(sheet: Sheet) -> str:
    widths = list(sheet.widths or [])
    count = max(len(widths), len(sheet.header))
    columns = []
    for index in range(count):
        width = widths[index] if index < len(widths) else None
        if width is None and index < len(sheet.header):
            width = header_width(str(sheet.header[index]))
        if width is not None:
            width = min(max(float(width), 0.0), 255.0)  # Excel's bounds
            columns.append(f'<col min="{index + 1}" max="{index + 1}" width="{width:g}" customWidth="1"/>')
    return f"<cols>{''.join(columns)}</cols>" if columns else ""


def _sheet_chunks(sheet: Sheet, selected: bool) -> Iterator[bytes]:
    """A worksheet part, a batch of rows at a time: never the whole sheet in memory."""
    # Frozen below the header row, so that the titles stay in view while scrolling.
    pane = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>') if sheet.header else ""
    tab = ' tabSelected="1"' if selected else ""
    view = f'<sheetView{tab} workbookViewId="0">{pane}</sheetView>'
    batch = [f'{_XML_DECLARATION}<worksheet xmlns="{_MAIN}"><sheetViews>{view}</sheetViews>'
             f'<sheetFormatPr defaultRowHeight="15"/>{_columns(sheet)}<sheetData>']
    size = 0
    first = 1
    if sheet.header:
        batch.append(_row(1, sheet.header, header=True))
        first = 2
    for number, values in enumerate(sheet.rows, start=first):
        row = _row(number, values)
        batch.append(row)
        size += len(row)
        if size >= CHUNK_SIZE:
            yield "".join(batch).encode()
            batch.clear()
            size = 0
    batch.append("</sheetData></worksheet>")
    yield "".join(batch).encode()


def _text_part(text: str) -> tuple[bytes]:
    return (text.encode(),)


def stream_xlsx(sheets: Iterable[Sheet]) -> Iterator[bytes]:
    """The workbook of `sheets` as chunks; a sheet's rows are read while its part is written.

    Sheets and titles are checked now, so that a workbook without a sheet fails before a response
    starts; rows fail while streaming, past Excel's limits (MAX_ROWS, MAX_COLUMNS).
    """
    sheets = list(sheets)
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    titles = sheet_titles(sheet.title for sheet in sheets)
    now = datetime.now(UTC)
    parts = [
        ("[Content_Types].xml", _content_types(len(sheets))),
        ("_rels/.rels", _package_rels()),
        ("xl/workbook.xml", _workbook(titles)),
        ("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets))),
        ("xl/styles.xml", _styles()),
    ]
    entries = [ZipEntry(name, partial(_text_part, text), now) for name, text in parts]
    entries += [
        ZipEntry(f"xl/worksheets/sheet{number}.xml", partial(_sheet_chunks, sheet, number == 1), now)
        for number, sheet in enumerate(sheets, start=1)
    ]
    return stream_zip(entries, zip64_for_unknown_sizes=False)
