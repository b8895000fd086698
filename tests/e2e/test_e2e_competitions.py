"""The city contest in the browser (issue 19, done when): on the demo data an admin creates the
contest with two tracks, an agency enters its proposal, the admin assigns reviewers in bulk,
two reviewers score it inline on the contest's rubric, the admin approves and publishes it,
records the winner and announces it, and the showcase marks it; the reviews XLSX opens with
one row per review and one column per criterion."""
import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from app.core.cycles import city_today
from app.core.extensions import db
from app.models import Proposal
from app.reviews import rubrics
from tests.e2e.conftest import log_in, mark_page, page_was_not_reloaded, screenshot
from tests.factories import AWARD_CRITERIA

ADMIN = ("admin@demo.apusida.id", "admin-demo-2026")
INNOVATOR = ("inovator@demo.apusida.id", "inovator-demo-2026")  # Diskominfo
REVIEWERS = [("penilai@demo.apusida.id", "penilai-demo-2026"), ("penilai.tamu@demo.apusida.id", "penilai-demo-2026")]
ENTRY = "Angkot Pintar Ramah Pelajar"  # a demo proposal of Diskominfo, submitted, not yet reviewed


def _message(tab, text: str) -> None:
    """Wait for a message on the page (a flash after a redirect, a notice after a swap), not its
    copy in the live region."""
    tab.locator(".notice").filter(has_text=text).first.wait_for()


def _score_on_the_award_rubric(tab, base_url, proposal_id, javascript, score):
    tab.goto(f"{base_url}/proposals/{proposal_id}")
    if javascript:
        mark_page(tab)
    for code in AWARD_CRITERIA:
        tab.locator(f"#r{proposal_id}-score_{code}-{score - 1}").check()
    tab.locator(f"#r{proposal_id}-recommendation-0").check()  # approve
    tab.get_by_label("Komentar untuk tim lab").fill("Layak diusulkan ke tingkat nasional.")
    tab.get_by_role("button", name="Simpan penilaian").click()
    tab.get_by_text("Skor tertimbang Anda").wait_for()
    if javascript:
        assert page_was_not_reloaded(tab)


def test_an_admin_runs_the_city_contest_to_its_winner(new_tab, base_url, app_ctx, javascript):
    from app import demo

    demo.load()
    db.session.commit()
    proposal_id = db.session.scalar(select(Proposal.id).where(Proposal.title == ENTRY))
    award = rubrics.latest("penghargaan-presentasi")
    name = "Lomba Pelayanan Publik Terbaik"
    today = city_today()

    admin = new_tab()
    log_in(admin, base_url, *ADMIN)
    admin.goto(f"{base_url}/admin/")
    admin.get_by_role("link", name="Lomba inovasi").click()
    admin.get_by_role("link", name="Buat lomba").click()
    admin.get_by_label("Nama lomba").fill(name)
    admin.get_by_label("Rubrik penilaian").select_option(label=award.title)
    admin.get_by_label("Kategori").fill("opd: Perangkat daerah\nkelurahan: Kelurahan")
    admin.get_by_label("Batas pendaftaran").fill((today + timedelta(days=7)).isoformat())
    admin.get_by_label("Batas penilaian").fill((today + timedelta(days=21)).isoformat())
    admin.get_by_role("button", name="Simpan").click()
    _message(admin, f"{name} disimpan.")
    detail_url = admin.url

    agency = new_tab()
    log_in(agency, base_url, *INNOVATOR)
    agency.goto(f"{base_url}/proposals/{proposal_id}")
    agency.get_by_role("link", name="Ikutkan ke lomba").click()
    agency.get_by_label("Lomba dan kategori").select_option(label=f"{name} — Perangkat daerah")
    agency.get_by_role("button", name="Ikutkan ke lomba").click()
    _message(agency, f"diikutkan ke {name}, kategori Perangkat daerah")

    admin.goto(detail_url)
    admin.get_by_role("button", name="Tugaskan penilai").click()
    _message(admin, "2 penugasan baru.")
    entry = admin.locator(".queue-item").filter(has_text=ENTRY)
    assert entry.get_by_text("Dr. Bambang Susilo").is_visible() and entry.get_by_text("Dr. Lina Marlina").is_visible()
    screenshot(admin, f"competition-assignments-{'js' if javascript else 'nojs'}")

    for (email, password), score in zip(REVIEWERS, (4, 5)):
        reviewer = new_tab()
        log_in(reviewer, base_url, email, password)
        reviewer.goto(f"{base_url}/proposals/review-queue")
        assert reviewer.locator(".queue-item").first.get_by_text("Ditugaskan kepada Anda").is_visible()
        _score_on_the_award_rubric(reviewer, base_url, proposal_id, javascript, score)

    admin.goto(f"{base_url}/proposals/{proposal_id}")
    panel = admin.locator(f"#decision-panel-{proposal_id}")
    panel.get_by_label("Setujui", exact=True).check()
    panel.get_by_role("button", name="Simpan keputusan").click()
    admin.locator(f"#proposal-status-{proposal_id}").get_by_text("Disetujui").wait_for()
    admin.get_by_role("button", name="Publikasikan ke etalase").click()
    admin.get_by_role("button", name="Tarik dari etalase").wait_for()

    admin.goto(detail_url)
    admin.get_by_role("link", name="Hasil dan pemenang").click()
    row = admin.get_by_role("row").filter(has_text=ENTRY)
    assert row.get_by_text("2 dari 2").is_visible()
    admin.get_by_label(f"Peringkat akhir — {ENTRY}").fill("1")
    admin.get_by_label(f"Pemenang — {ENTRY}").check()
    admin.get_by_label(f"Catatan juri — {ENTRY}").fill("Diusulkan ke KIPP.")
    admin.get_by_role("button", name="Simpan hasil kategori Perangkat daerah").click()
    _message(admin, "Hasil kategori Perangkat daerah disimpan.")
    admin.get_by_role("button", name="Umumkan pemenang").click()
    _message(admin, f"Pemenang {name} diumumkan di etalase.")
    screenshot(admin, f"competition-results-{'js' if javascript else 'nojs'}")

    with admin.expect_download() as download:
        admin.get_by_role("link", name="Unduh semua penilaian (XLSX)").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    rows = list(sheet.iter_rows(values_only=True))
    criteria = [f"{c.text} ({c.weight})" for c in award.criteria]
    assert list(rows[0][5:5 + len(criteria)]) == criteria
    assert len(rows) == 1 + 2 and {r[4] for r in rows[1:]} == {"Dr. Bambang Susilo", "Dr. Lina Marlina"}

    citizen = new_tab()
    citizen.goto(f"{base_url}/")
    card = citizen.locator(".card").filter(has_text=ENTRY)
    assert card.get_by_text(f"Peringkat 1 {name} {today.year}, kategori Perangkat daerah").is_visible()
