"""The innovation profile document (DESIGN §9): the national profile's fields in their order, the
indicators and their levels, the result indicators by year, and a signature block for the head of
the agency, as an A4 PDF with page numbers.

The profile is filed with the national index in Indonesian, so the document is Indonesian whatever
language the reader chose (labels through force_locale). Made with ReportLab, which installs from
a wheel and ships its own TrueType fonts (Vera), so nothing comes from the system. Every text a
person typed is escaped before it reaches ReportLab's paragraph markup.
"""
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from flask_babel import force_locale, format_date, format_decimal
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.core.affairs import affair_name
from app.core.cycles import city_today
from app.core.labels import label
from app.core.sdgs import goal_label

FONT, FONT_BOLD = "ApusidaSans", "ApusidaSans-Bold"
_FONTS = Path(reportlab.__file__).parent / "fonts"

BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5, spaceAfter=4)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=11)
HEADING = ParagraphStyle("heading", parent=BODY, fontName=FONT_BOLD, fontSize=12, leading=15, spaceBefore=8,
                         spaceAfter=4)
TITLE = ParagraphStyle("title", parent=BODY, fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=2)
KOP = ParagraphStyle("kop", parent=BODY, fontName=FONT_BOLD, fontSize=11, leading=14, alignment=1, spaceAfter=0)
LABEL = ParagraphStyle("label", parent=BODY, fontName=FONT_BOLD)


@dataclass
class ProfileClaim:
    """One national indicator as the profile shows it: the level claimed (or verified) and its state."""

    indicator: str
    level: str
    state: str


@dataclass
class ProfileData:
    """What the document holds, decided by the view for its reader (blind review, public or not)."""

    proposal: object  # app.models.Proposal
    agency: str  # as the reader may see it (app.proposals.visibility.shown_agency)
    author: str
    claims: list[ProfileClaim]
    results: list  # app.results.charts.Series
    public: bool
    # Blind review: the signature names no agency either, and the team (names, roles, its
    # decree) is left out, by the same rule (app.proposals.visibility.hides_team).
    agency_hidden: bool = False


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(_FONTS / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_FONTS / "VeraBd.ttf")))


def _text(value) -> str:
    """Plain text as paragraph markup: escaped, its line breaks kept."""
    return escape(str(value or "")).replace("\r\n", "\n").replace("\n", "<br/>")


def _number(value) -> str:
    return "—" if value is None else format_decimal(value, format="#,##0.####")


class _NumberedCanvas(Canvas):
    """Writes "Halaman n dari m" at the foot of every page once the page count is known."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):  # noqa: N802 (ReportLab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(FONT, 8.5)
            self.setFillColor(colors.HexColor("#484949"))
            self.drawRightString(A4[0] - 16 * mm, 10 * mm, f"Halaman {number} dari {total}")
            super().showPage()
        super().save()


def _fields(data: ProfileData) -> list[tuple[str, str]]:
    """The national profile's fields, in its order."""
    proposal = data.proposal
    with force_locale("id"):
        coded = [
            ("Perangkat daerah", data.agency),
            ("Tahapan inovasi", label("maturity", proposal.maturity) if proposal.maturity else ""),
            ("Inisiator inovasi", label("initiator", proposal.initiator) if proposal.initiator else ""),
            ("Jenis inovasi", label("innovation_type", proposal.innovation_type) if proposal.innovation_type else ""),
            ("Bentuk inovasi", label("form", proposal.form) if proposal.form else ""),
            ("Urusan pemerintahan", _affair(proposal.affair)),
            ("Tujuan Pembangunan Berkelanjutan (TPB)",
             "\n".join(goal_label(goal, "id") for goal in proposal.sdg_goals)),
            ("Waktu uji coba", format_date(proposal.trial_date, "long") if proposal.trial_date else ""),
            ("Waktu penerapan", format_date(proposal.implementation_date, "long") if proposal.implementation_date else ""),
            # A video shows the office and its people: blind review leaves it out, as the contact.
            ("Video inovasi", "" if data.agency_hidden else proposal.video_url),
        ]
    return coded


def _team(data: ProfileData) -> list:
    """The team section: each member with their role, and the decree naming them (internal copy only)."""
    proposal = data.proposal
    story = [Paragraph("Tim inovasi", HEADING)]
    if data.agency_hidden:
        return story + [Paragraph("Nama dan peran anggota tim disembunyikan selama penilaian tertutup.", BODY)]
    if proposal.team_members:
        width = A4[0] - 32 * mm
        story.append(_table([[Paragraph("No.", LABEL), Paragraph("Nama", LABEL), Paragraph("Peran dalam tim", LABEL)]]
                            + [[Paragraph(str(member.position), BODY), Paragraph(_text(member.name), BODY),
                                Paragraph(_text(member.role), BODY)] for member in proposal.team_members],
                            [12 * mm, (width - 12 * mm) * 0.5, (width - 12 * mm) * 0.5]))
    else:
        story.append(Paragraph("Belum diisi.", BODY))
    if not data.public:
        decree = proposal.team_decree
        with force_locale("id"):
            text = (f"SK penetapan tim: {decree.original_name} (diunggah {format_date(decree.created_at, 'long')})"
                    if decree else "SK penetapan tim: belum diunggah.")
        story.append(Paragraph(_text(text), SMALL))
    return story


def _affair(code: str | None) -> str:
    return affair_name(code) if code else ""


def _texts(proposal) -> list[tuple[str, str]]:
    return [("Ringkasan", proposal.summary), ("Permasalahan", proposal.problem),
            ("Rancang bangun", proposal.design), ("Tujuan inovasi", proposal.goals),
            ("Manfaat yang diperoleh", proposal.benefits), ("Hasil inovasi", proposal.results)]


def _table(rows, widths, header=True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#6f777b")),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")))
    table.setStyle(TableStyle(style))
    return table


def profile_pdf(data: ProfileData) -> BytesIO:
    """The profile of `data.proposal` as an A4 PDF."""
    _register_fonts()
    proposal = data.proposal
    width = A4[0] - 32 * mm
    story = [
        Paragraph("PEMERINTAH KOTA PROBOLINGGO", KOP),
        Paragraph("Laboratorium Inovasi Kota Probolinggo", KOP),
        Spacer(1, 6 * mm),
        Paragraph("Profil Inovasi Daerah", HEADING),
        Paragraph(_text(proposal.title), TITLE),
        Paragraph(_text(f"Tahun {proposal.cycle.year}"), SMALL),
        Spacer(1, 3 * mm),
        _table([[Paragraph(_text(name), LABEL), Paragraph(_text(value) or "—", BODY)]
                for name, value in _fields(data)], [48 * mm, width - 48 * mm], header=False),
    ]
    for name, text in _texts(proposal):
        if text:
            story += [Paragraph(_text(name), HEADING), Paragraph(_text(text), BODY)]
    story += _team(data)

    story.append(Paragraph("Indikator satuan inovasi daerah", HEADING))
    if data.claims:
        story.append(_table(
            [[Paragraph("Indikator", LABEL), Paragraph("Level", LABEL), Paragraph("Keterangan", LABEL)]]
            + [[Paragraph(_text(c.indicator), BODY), Paragraph(_text(c.level), BODY), Paragraph(_text(c.state), BODY)]
               for c in data.claims],
            [width * 0.45, width * 0.35, width * 0.20]))
    else:
        story.append(Paragraph("Belum ada bukti indikator yang dicantumkan.", BODY))

    if data.results:
        story.append(Paragraph("Indikator hasil", HEADING))
        for series in data.results:
            indicator = series.indicator
            rows = [[Paragraph("Tahun", LABEL), Paragraph(_text(indicator.unit), LABEL)],
                    [Paragraph(_text(f"Baseline ({series.start_year})"), BODY), Paragraph(_number(indicator.baseline), BODY)]]
            rows += [[Paragraph(str(year), BODY), Paragraph(_number(series.actuals.get(year)), BODY)]
                     for year in series.years[1:]]
            rows.append([Paragraph("Target", BODY), Paragraph(_number(indicator.target), BODY)])
            story.append(KeepTogether([Paragraph(_text(indicator.name), LABEL), _table(rows, [40 * mm, 40 * mm]),
                                       Spacer(1, 3 * mm)]))

    # The contact names the office as surely as the agency does: blind review leaves it out too.
    contact = proposal.contact if proposal.contact and not data.agency_hidden else ""
    story += [Paragraph("Penanggung jawab", HEADING),
              Paragraph(_text(f"{data.author} · {contact}" if contact else data.author), BODY)]
    with force_locale("id"):
        today = format_date(city_today(), "long")
    signature = [Paragraph(_text(f"Probolinggo, {today}"), BODY),
                 Paragraph(_text("Kepala perangkat daerah" if data.agency_hidden else f"Kepala {data.agency}"), BODY),
                 Spacer(1, 22 * mm),
                 Paragraph("(nama lengkap)", BODY), Paragraph("NIP.", BODY)]
    # The signature sits in the right half, and never apart from its date.
    story += [Spacer(1, 8 * mm), KeepTogether([Table([["", signature]], colWidths=[width * 0.5, width * 0.5])])]

    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                                 bottomMargin=18 * mm, title=f"Profil inovasi: {proposal.title}",
                                 author="Apusida, Laboratorium Inovasi Kota Probolinggo")
    document.build(story, canvasmaker=_NumberedCanvas)
    buffer.seek(0)
    return buffer
