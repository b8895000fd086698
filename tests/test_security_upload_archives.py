"""Zip bombs disguised as DOCX or XLSX: refused from the archive's directory and a capped,
chunked read, on both upload routes (proposal evidence and maturity evidence), without the
process growing by more than a few MB and without leaving a row or a file behind."""
import functools
import io
import os
import tracemalloc
import zipfile

import pytest
from sqlalchemy import func, select

from app.core.extensions import db
from app.maturity import services as maturity_services
from app.models import Attachment, Claim
from app.proposals.services import UnsafeArchive, _check_declared_sizes
from tests import factories
from tests.conftest import login

UNPACKED = 48 * 1024 * 1024  # what the bombs unpack to; reading it whole shows at once in the memory peak
MEMORY_ALLOWED = 4 * 1024 * 1024
REFUSED = "arsipnya tampak rusak atau isinya membengkak terlalu besar"

DOCX_TYPES = ('<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
              'wordprocessingml.document.main+xml"/></Types>')


def _write_spaces(archive: zipfile.ZipFile, name: str, size: int) -> None:
    """A member of `size` spaces, written in chunks (the test itself never holds it whole)."""
    chunk = b" " * (1024 * 1024)
    with archive.open(name, "w") as member:
        for _ in range(size // len(chunk)):
            member.write(chunk)


@functools.cache
def content_types_bomb() -> bytes:
    """A DOCX whose [Content_Types].xml, honestly declared, unpacks to 48 MB of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _write_spaces(archive, "[Content_Types].xml", UNPACKED)
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@functools.cache
def part_bomb() -> bytes:
    """A DOCX with a small, genuine [Content_Types].xml and a document part of 48 MB of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        _write_spaces(archive, "word/document.xml", UNPACKED)
    return buffer.getvalue()


@functools.cache
def lying_bomb() -> bytes:
    """The content-types bomb with both of its headers claiming 1,000 bytes unpacked."""
    data = bytearray(content_types_bomb())
    member = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("[Content_Types].xml")
    local = member.header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    data[local + 22:local + 26] = (1000).to_bytes(4, "little")  # local header: uncompressed size
    directory = local + 30 + len(member.filename) + member.compress_size
    directory = data.index(b"PK\x01\x02", directory)
    assert data[directory + 46:directory + 46 + len(member.filename)] == member.filename.encode()
    data[directory + 24:directory + 28] = (1000).to_bytes(4, "little")  # central directory: the same lie
    lied = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("[Content_Types].xml")
    assert lied.file_size == 1000 and lied.compress_size == member.compress_size
    return bytes(data)


def many_members() -> bytes:
    """A DOCX of 6,000 empty parts (more than any office file has)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        for number in range(6000):
            archive.writestr(f"word/media/{number}.png", b"")
    return buffer.getvalue()


BOMBS = {"content_types": content_types_bomb, "part": part_bomb, "lying_header": lying_bomb}


@pytest.fixture
def routes(client, make):
    """Both upload routes of one implemented proposal, and its innovator."""
    cycle = make.cycle()
    maturity_services.load_indicators()
    return factories.upload_routes(client, cycle)


def stored_files(app) -> list[str]:
    folder = app.config["UPLOAD_DIR"]
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def peak_memory_of(call):
    """The call's result and the most memory Python held above the start while it ran."""
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        result = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak - start


@pytest.mark.parametrize("route", ["proposal", "maturity"])
@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_a_zip_bomb_is_refused_within_a_few_mb_and_leaves_nothing(app, client, routes, route, bomb):
    data = BOMBS[bomb]()
    assert len(data) < 1024 * 1024  # under one MB uploaded, 48 MB unpacked
    login(client, routes["innovator"])
    upload = routes[route]
    assert upload(factories.EXE_BYTES, "bukti.docx").status_code == 422  # templates compiled before measuring
    before = stored_files(app)

    response, grown = peak_memory_of(lambda: upload(data, "bukti.docx"))

    assert grown < MEMORY_ALLOWED, f"the upload held {grown / 2**20:.1f} MB"
    assert response.status_code == 422
    assert REFUSED in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    assert db.session.scalar(select(func.count(Claim.id))) == 0
    assert stored_files(app) == before


@pytest.mark.parametrize("route", ["proposal", "maturity"])
def test_an_archive_of_more_parts_than_any_office_file_is_refused(client, routes, route):
    login(client, routes["innovator"])
    response = routes[route](many_members(), "bukti.docx")
    assert response.status_code == 422 and REFUSED in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Attachment.id))) == 0


@pytest.mark.parametrize("route", ["proposal", "maturity"])
@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_real_small_office_files_are_still_accepted(client, routes, route, kind):
    login(client, routes["innovator"])
    response = routes[route](factories.office_file(kind), f"bukti.{kind}")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert db.session.scalars(select(Attachment)).one().original_name == f"bukti.{kind}"


def _member(name: str, unpacked: int, packed: int) -> zipfile.ZipInfo:
    member = zipfile.ZipInfo(name)
    member.file_size, member.compress_size = unpacked, packed
    return member


MB = 1024 * 1024


@pytest.mark.parametrize("members,refused", [
    ([_member("xl/worksheets/sheet1.xml", 300 * MB, 15 * MB)], False),  # a full sheet, 20 times smaller packed
    ([_member("word/media/blank.emf", 900 * 1024, 1024)], False),  # tiny parts may shrink a lot
    ([_member("xl/worksheets/sheet1.xml", 600 * MB, 60 * MB)], True),  # one part over 512 MB
    ([_member(f"xl/worksheets/sheet{n}.xml", 300 * MB, 30 * MB) for n in range(4)], True),  # 1.2 GB in all
    ([_member("word/document.xml", 20 * MB, 40 * 1024)], True),  # 500 times smaller: a bomb's ratio
    ([_member("word/document.xml", 2 * MB, 0)], True),
])
def test_the_directory_alone_refuses_sizes_and_ratios_no_office_file_has(app_ctx, members, refused):
    if refused:
        with pytest.raises(UnsafeArchive):
            _check_declared_sizes(members)
    else:
        _check_declared_sizes(members)
