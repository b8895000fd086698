"""What a person can read in an answer, whatever its format, so that a leak test looks at a PDF
or a spreadsheet as closely as at a page."""
import io
import zipfile


def text_of(response) -> str:
    """The readable text of an answer: HTML, CSV, JSON, iCalendar, every sheet of an XLSX
    or every page of a PDF."""
    body = response.get_data()
    if body.startswith(b"%PDF"):
        from pypdf import PdfReader

        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                            if name.endswith(".xml"))
    # iCalendar folds long lines ("\r\n" and a space): unfold before looking.
    return body.decode("utf-8", "replace").replace("\r\n ", "")
