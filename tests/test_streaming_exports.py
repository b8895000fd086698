"""app/web/streaming.py: a ZIP and an XLSX written as byte chunks, in memory bounded by a chunk.

Plain tests: no app, no database."""
import gc
import io
import os
import time
import tracemalloc
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from app.web import streaming
from app.web.streaming import CHUNK_SIZE, Sheet, ZipEntry, sheet_titles, stream_xlsx, stream_zip

MiB = 1024 * 1024


def archive_of(chunks) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(chunks)))


def workbook_of(chunks) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(b"".join(chunks)))


def written_to(path: Path, chunks) -> tuple[int, int]:
    """Write the chunks to `path`; the number of chunks and the largest one's size."""
    count = largest = 0
    with path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
            count += 1
            largest = max(largest, len(chunk))
    return count, largest


def test_zip_holds_every_entry_with_its_exact_bytes(tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(os.urandom(3 * CHUNK_SIZE + 17))  # not a whole number of reads
    table = "agency,score\n" + "".join(f"Dinas {n},{n}\n" for n in range(5000))
    big_chunk = os.urandom(5 * CHUNK_SIZE)  # a caller's chunk larger than the archive's

    archive = archive_of(stream_zip([
        ZipEntry("bukti/scan.pdf", scan),
        ZipEntry("bukti/scores.csv", lambda: (line.encode() for line in table.splitlines(keepends=True))),
        ZipEntry("photo.jpg", lambda: [big_chunk, b"", bytearray(b"tail")]),
        ZipEntry("note.txt", lambda: "Catatan: ü".encode()),  # bytes, not an iterable of chunks
        ZipEntry("empty.txt", lambda: []),
    ]))

    assert archive.testzip() is None  # every CRC matches
    assert archive.namelist() == ["bukti/scan.pdf", "bukti/scores.csv", "photo.jpg", "note.txt", "empty.txt"]
    assert archive.read("bukti/scan.pdf") == scan.read_bytes()
    assert archive.read("bukti/scores.csv") == table.encode()
    assert archive.read("photo.jpg") == big_chunk + b"tail"
    assert archive.read("note.txt") == "Catatan: ü".encode()
    assert archive.read("empty.txt") == b""
    # Text is deflated; files compressed already are stored as they are.
    kinds = {info.filename: info.compress_type for info in archive.infolist()}
    assert kinds["bukti/scores.csv"] == kinds["note.txt"] == zipfile.ZIP_DEFLATED
    assert kinds["bukti/scan.pdf"] == kinds["photo.jpg"] == zipfile.ZIP_STORED
    assert archive.getinfo("bukti/scores.csv").compress_size < len(table) / 3


@pytest.mark.parametrize("name, cleaned", [
    ("../../etc/passwd", "etc/passwd"),
    ("/var/uploads/x.pdf", "var/uploads/x.pdf"),
    ("bukti\\2024\\x.pdf", "bukti/2024/x.pdf"),
    ("C:\\Users\\budi\\x.pdf", "Users/budi/x.pdf"),
    ("a/./b/../c.txt", "a/b/c.txt"),
    ("laporan\x00\x1b.pdf", "laporan.pdf"),
    ('tanya?"kutip"<>|*:.pdf', "tanya__kutip______.pdf"),
    ("akhir titik. ", "akhir titik"),
    ("CON.txt", "_CON.txt"),
    ("..", "file"),
    ("", "file"),
])
def test_zip_names_are_cleaned(name, cleaned):
    archive = archive_of(stream_zip([ZipEntry(name, lambda: [b"x"])]))
    assert archive.namelist() == [cleaned]


def test_zip_shortens_long_names_and_keeps_their_extension():
    archive = archive_of(stream_zip([ZipEntry("é" * 300 + ".pdf", lambda: [b"x"])]))
    [name] = archive.namelist()
    assert name.endswith("é.pdf") and len(name.encode()) <= 255


def test_zip_duplicate_names_get_a_number_before_the_extension():
    names = ["laporan.pdf", "laporan.pdf", "LAPORAN.PDF", "laporan (2).pdf", "a/.env", "a/.env", "a/b.txt", "a",
             "laporan.pdf", "../laporan.pdf"]
    archive = archive_of(stream_zip(ZipEntry(name, lambda: [b"x"]) for name in names))
    assert archive.namelist() == [
        "laporan.pdf", "laporan (2).pdf", "LAPORAN (3).PDF", "laporan (2) (2).pdf", "a/.env", "a/.env (2)",
        "a/b.txt", "a (2)",  # a file cannot sit beside a folder of the same name
        "laporan (4).pdf", "laporan (5).pdf",
    ]


def test_zip_of_many_files_streams_in_bounded_memory(tmp_path):
    """300 files of 256 KiB and one of 16 MiB, larger than the bound: the archive, or any one
    file, held whole would fail the test."""
    size, large = 256 * 1024, 16 * MiB
    sources = tmp_path / "evidence"
    sources.mkdir()
    for number in range(300):
        (sources / f"bukti-{number}.bin").write_bytes(number.to_bytes(2, "big") * (size // 2))
    (sources / "video.mp4").write_bytes(b"\x01\x02" * (large // 2))
    target = tmp_path / "evidence.zip"

    started = time.perf_counter()
    tracemalloc.start()
    try:
        entries = [ZipEntry(f"bukti-{n}.bin", sources / f"bukti-{n}.bin") for n in range(300)]
        entries.insert(150, ZipEntry("video.mp4", sources / "video.mp4"))
        count, largest = written_to(target, stream_zip(iter(entries)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - started

    assert peak < 8 * MiB, f"peak {peak / MiB:.1f} MiB for a 91 MiB archive"
    assert largest <= 4 * CHUNK_SIZE and count > 301  # many chunks, none of them a whole file
    assert elapsed < 5
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        assert len(archive.infolist()) == 301
        assert archive.getinfo("video.mp4").file_size == large
        assert {info.file_size for info in archive.infolist() if info.filename != "video.mp4"} == {size}
        assert archive.read("bukti-299.bin") == (299).to_bytes(2, "big") * (size // 2)


def test_zip_reads_an_entry_only_when_the_archive_reaches_it():
    produced, called = [], []

    def entries():
        for number in range(3):
            produced.append(number)
            yield ZipEntry(f"part-{number}.bin", lambda number=number: called.append(number) or [b"x" * 2 * CHUNK_SIZE])

    chunks = stream_zip(entries())
    assert produced == [] and called == []  # nothing happens before the first chunk is asked for
    first = next(chunks)
    assert produced == [0] and called == [0]
    assert first.startswith(b"PK\x03\x04")
    rest = b"".join(chunks)
    assert called == [0, 1, 2]
    assert zipfile.ZipFile(io.BytesIO(first + rest)).read("part-2.bin") == b"x" * 2 * CHUNK_SIZE


def test_an_abandoned_zip_closes_the_entry_being_read():
    closed, sources = [], []

    def rows():
        try:
            while True:
                yield b"y" * CHUNK_SIZE
        finally:
            closed.append(True)  # where a generator would close its file or its query

    def endless():
        sources.append(rows())  # held here too, so that only an explicit close() closes it
        return sources[-1]

    chunks = stream_zip([ZipEntry("endless.bin", endless)])
    next(chunks)
    chunks.close()  # what Werkzeug does when the client goes away
    assert closed == [True]


def test_zip64_headers_only_where_a_size_is_unknown(tmp_path):
    """A callable's entry may grow past 2 GiB, so it gets ZIP64 headers (version 4.5 to extract);
    a small file and every part of an XLSX do not: Excel refuses an XLSX with ZIP64 headers."""
    small = tmp_path / "small.pdf"
    small.write_bytes(b"%PDF")
    archive = archive_of(stream_zip([ZipEntry("unknown.csv", lambda: [b"a,b"]), ZipEntry("small.pdf", small)]))
    assert archive.getinfo("unknown.csv").extract_version == 45
    assert archive.getinfo("small.pdf").extract_version == 20

    workbook = archive_of(stream_xlsx([Sheet("Data", ["A"], [[1], [2]])]))
    assert {info.extract_version for info in workbook.infolist()} == {20}


def test_zip_entry_times_are_the_city_clock(tmp_path):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"jpeg")
    os.utime(photo, (0, datetime(2024, 5, 17, 3, 0, tzinfo=UTC).timestamp()))
    archive = archive_of(stream_zip([
        ZipEntry("aware.txt", lambda: [b"x"], datetime(2024, 5, 17, 2, 30, tzinfo=UTC)),
        ZipEntry("naive.txt", lambda: [b"x"], datetime(2024, 5, 17, 2, 30)),
        ZipEntry("photo.jpg", photo),
        ZipEntry("old.txt", lambda: [b"x"], datetime(1970, 1, 1)),
    ]))
    assert archive.getinfo("aware.txt").date_time == (2024, 5, 17, 9, 30, 0)  # WIB is UTC+7
    assert archive.getinfo("naive.txt").date_time == (2024, 5, 17, 2, 30, 0)
    assert archive.getinfo("photo.jpg").date_time == (2024, 5, 17, 10, 0, 0)
    assert archive.getinfo("old.txt").date_time == (1980, 1, 1, 0, 0, 0)  # the earliest a ZIP holds


def test_xlsx_has_titled_sheets_with_a_bold_frozen_header_and_widths():
    book = workbook_of(stream_xlsx([
        Sheet("Ringkasan", ["Perangkat daerah", "Skor"], [["Dinas Kesehatan", 81.5]], widths=[40, None]),
        Sheet("Rincian", ["Indikator"], iter([["Regulasi"]])),
    ]))
    assert book.sheetnames == ["Ringkasan", "Rincian"]
    summary = book["Ringkasan"]
    assert summary.freeze_panes == "A2"
    assert [cell.font.b for cell in summary[1]] == [True, True]
    assert not summary["A2"].font.b
    assert summary.column_dimensions["A"].width == 40
    assert summary.column_dimensions["B"].width == 12  # from the title, as app.web.xlsx.header_row sets it
    assert [[cell.value for cell in row] for row in summary.iter_rows()] == [
        ["Perangkat daerah", "Skor"], ["Dinas Kesehatan", 81.5]]
    assert book["Rincian"]["A2"].value == "Regulasi"


def test_xlsx_cells_keep_their_types():
    when = datetime(2024, 5, 17, 9, 30)
    rows = [[
        date(2024, 5, 17), when, datetime(2024, 5, 17, 2, 30, tzinfo=UTC), 42, 2.5, Decimal("12.50"), True, None,
        "=1+1", "+62 812", "@SUM(A1)", '<b>&"\'</b>', "nol\x00bel\x07", "  spasi  ", "Kota 😀 ü",
        1234567890123456, float("nan"), date(1899, 12, 31),
    ]]
    data = b"".join(stream_xlsx([Sheet("Data", [f"K{n}" for n in range(len(rows[0]))], rows)]))
    cells = list(openpyxl.load_workbook(io.BytesIO(data))["Data"][2])

    assert cells[0].is_date and cells[0].value == datetime(2024, 5, 17) and cells[0].number_format == "dd/mm/yyyy"
    assert cells[1].is_date and cells[1].value == when and cells[1].number_format == "dd/mm/yyyy hh:mm"
    assert cells[2].value == when  # an aware time in the city's time
    assert cells[3].value == 42 and cells[3].data_type == "n"
    assert cells[4].value == 2.5 and cells[4].number_format == "#,##0.00"  # as app.web.xlsx.append_row
    assert cells[5].value == 12.5 and cells[5].data_type == "n"
    assert cells[6].value is True
    assert cells[7].value is None
    # Text stays text, however it starts; the apostrophe style keeps it so when someone edits the cell.
    assert [cell.value for cell in cells[8:11]] == ["=1+1", "+62 812", "@SUM(A1)"]
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells[8:11])
    assert cells[11].value == '<b>&"\'</b>' and not cells[11].quotePrefix
    assert cells[12].value == "nolbel"  # XML cannot hold those control characters
    assert cells[13].value == "  spasi  "
    # openpyxl keeps the spaces anyway; xml:space tells every reader to keep them.
    assert '<t xml:space="preserve">  spasi  </t>' in zipfile.ZipFile(io.BytesIO(data)).read(
        "xl/worksheets/sheet1.xml").decode()
    assert cells[14].value == "Kota 😀 ü"
    assert cells[15].value == "1234567890123456"  # 16 digits: a number would lose the last one
    assert cells[16].value == "#NUM!"
    assert cells[17].value == "1899-12-31"  # before the dates Excel counts right


@pytest.mark.parametrize("titles, cleaned", [
    (["Bukti: Q1/2024 [draf]*?"], ["Bukti_ Q1_2024 _draf___"]),
    (["Indikator kematangan inovasi daerah 2024"], ["Indikator kematangan inovasi da"]),
    (["Data", "data", "DATA"], ["Data", "data (2)", "DATA (3)"]),
    (["x" * 40, "x" * 40], ["x" * 31, "x" * 27 + " (2)"]),
    (["'kutip'", "", "history"], ["kutip", "Sheet2", "History_"]),
])
def test_sheet_titles_follow_excel_rules(titles, cleaned):
    assert sheet_titles(titles) == cleaned


def test_xlsx_titles_are_cleaned_in_the_workbook():
    book = workbook_of(stream_xlsx([Sheet("Q1/2024", ["A"], []), Sheet("q1/2024", ["A"], [])]))
    assert book.sheetnames == ["Q1_2024", "q1_2024 (2)"]


def test_xlsx_of_many_rows_streams_in_bounded_memory(tmp_path):
    target = tmp_path / "big.xlsx"
    rows = ([n, f"Inovasi nomor {n} & <lainnya>", date(2024, 1, 1 + n % 28), n / 7, n % 2 == 0] for n in range(20_000))

    sheet = Sheet("Besar", ["No", "Nama", "Tanggal", "Nilai", "Aktif"], rows)
    # What is made once per process (imports, caches, a full suite's garbage) is not the stream's:
    # a small workbook first, and the garbage collected, before counting.
    written_to(tmp_path / "small.xlsx", stream_xlsx([Sheet("Kecil", ["No"], [[1]])]))
    gc.collect()

    tracemalloc.start()
    try:
        _, largest = written_to(target, stream_xlsx([sheet]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 4 * MiB, f"peak {peak / MiB:.1f} MiB"  # the sheet's XML alone is about 5 MB
    assert largest <= 4 * CHUNK_SIZE  # its compressed part is 0.6 MB
    book = openpyxl.load_workbook(target, read_only=True)
    values = list(book["Besar"].iter_rows(values_only=True))
    assert len(values) == 20_001
    assert values[-1] == (19_999, "Inovasi nomor 19999 & <lainnya>", datetime(2024, 1, 8), 19_999 / 7, False)


def test_xlsx_without_a_sheet_fails_before_streaming():
    with pytest.raises(ValueError):
        stream_xlsx([])  # raised by the call itself, before a response could start


def test_xlsx_past_excels_row_limit_fails(monkeypatch):
    monkeypatch.setattr(streaming, "MAX_ROWS", 3)  # instead of writing a million rows
    chunks = stream_xlsx([Sheet("Data", ["A"], [[1], [2], [3]])])
    with pytest.raises(ValueError, match="at most 3 rows"):
        b"".join(chunks)
