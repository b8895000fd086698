"""The life of a proposal in the browser: written and submitted by an innovator through the
real form, scored inline by a reviewer, sent back for revision, resubmitted, approved and
published by an admin, then seen by the public on the showcase."""
from app.core.extensions import db
from tests.factories import KIPP_CRITERIA
from tests.e2e.conftest import log_in, mark_page, page_was_not_reloaded, screenshot
from tests.factories import PASSWORD

DESIGN = " ".join(["Warga mengisi formulir daring lalu petugas memverifikasi berkas dalam satu hari kerja."] * 30)


def write_and_submit(tab, base_url, title):
    tab.goto(f"{base_url}/proposals/new")
    tab.get_by_label("Judul inovasi").fill(title)
    tab.get_by_label("Ringkasan").fill("Perizinan usaha mikro cukup dari ponsel.")
    tab.get_by_label("Permasalahan / latar belakang").fill("Pelaku usaha antre berjam-jam di loket.")
    tab.get_by_label("Rancang bangun").fill(DESIGN)
    tab.get_by_label("Tujuan", exact=True).fill("Izin terbit dalam satu hari.")
    tab.get_by_label("Manfaat").fill("Warga hemat waktu dan ongkos.")
    tab.get_by_label("Hasil inovasi").fill("Waktu layanan turun dari 5 hari menjadi 1 hari.")
    tab.get_by_label("Tahapan inovasi").select_option("inisiatif")
    tab.get_by_label("Inisiator").select_option("opd")
    tab.get_by_label("Jenis inovasi").select_option("digital")
    tab.get_by_label("Bentuk inovasi").select_option("pelayanan_publik")
    tab.locator("#affair").select_option(index=1)
    tab.get_by_label("Tahap laboratorium").select_option("design")
    tab.get_by_label("Kontak").fill("Seksi Perizinan, 0335-421000")
    # For the national competitions (issue 19): two goals, a video link, the team.
    tab.get_by_label("8. Pekerjaan Layak dan Pertumbuhan Ekonomi").check()
    tab.get_by_label("9. Industri, Inovasi dan Infrastruktur").check()
    tab.get_by_label("Tautan video inovasi").fill("https://youtu.be/izin-kilat")
    tab.get_by_label("Tim inovasi").fill("Rina Innovator — Ketua tim\nDedi Kurniawan — Pengembang aplikasi")
    tab.get_by_role("button", name="Simpan draf").click()
    tab.wait_for_url(f"{base_url}/proposals/*")
    assert tab.get_by_role("heading", name=title, level=1).is_visible()
    assert tab.locator(".proposal-meta").get_by_text("Draf").is_visible()
    tab.get_by_role("button", name="Ajukan usulan").click()
    tab.wait_for_load_state()
    assert tab.locator(".proposal-meta").get_by_text("Diajukan").is_visible()
    return int(tab.url.rstrip("/").split("/")[-1].split("?")[0])


def score_inline(tab, proposal_id, javascript):
    """Fill the rubric on the proposal page and save it; with JS the page must not reload."""
    if javascript:
        mark_page(tab)
    tab.locator(f"#review-{proposal_id}").scroll_into_view_if_needed()
    for index, name in enumerate(KIPP_CRITERIA):
        tab.locator(f"#r{proposal_id}-score_{name}-{3 + index % 2}").check()  # scores 4 and 5
    tab.locator(f"#r{proposal_id}-recommendation-1").check()  # revise
    tab.get_by_label("Komentar untuk tim lab").fill("Kuat, tetapi tambahkan data antrean sebelum inovasi.")
    tab.locator(f"#review-title-{proposal_id}").scroll_into_view_if_needed()
    screenshot(tab, f"proposal-inline-review-{'js' if javascript else 'nojs'}", full_page=False)
    tab.get_by_role("button", name="Simpan penilaian").click()
    tab.get_by_text("Skor tertimbang Anda").wait_for()
    if javascript:
        assert page_was_not_reloaded(tab)
        assert tab.get_by_text("Penilaian Anda tersimpan.").is_visible()


def decide(tab, proposal_id, decision, note, javascript, new_status):
    if javascript:
        mark_page(tab)
    panel = tab.locator(f"#decision-panel-{proposal_id}")
    panel.get_by_label(decision, exact=True).check()
    if note:
        panel.get_by_label("Catatan untuk perangkat daerah").fill(note)
    panel.get_by_role("button", name="Simpan keputusan").click()
    tab.locator(f"#proposal-status-{proposal_id}").get_by_text(new_status).wait_for()
    if javascript:
        assert page_was_not_reloaded(tab)


def test_write_submit_review_decide_publish(new_tab, base_url, make, javascript):
    cycle = make.cycle()
    agency = make.agency(name="Dinas Penanaman Modal dan PTSP", code="DPMPTSP")
    innovator = make.user(role="innovator", agency_=agency, name="Rina Innovator")
    reviewer = make.user(role="reviewer", name="Dr. Bima Penilai")
    admin = make.user(role="admin", name="Sari Admin Lab")
    db.session.commit()
    title = f"Izin Kilat UMKM {'js' if javascript else 'nojs'}"
    mode = "js" if javascript else "nojs"

    writer = new_tab()
    log_in(writer, base_url, innovator.email, PASSWORD)
    proposal_id = write_and_submit(writer, base_url, title)

    scorer = new_tab()
    log_in(scorer, base_url, reviewer.email, PASSWORD)
    scorer.goto(f"{base_url}/proposals/{proposal_id}")
    score_inline(scorer, proposal_id, javascript)
    screenshot(scorer, f"proposal-reviewed-{mode}")
    scorer.reload()
    assert scorer.locator(".proposal-meta").get_by_text("Dinilai").is_visible()

    boss = new_tab()
    log_in(boss, base_url, admin.email, PASSWORD)
    boss.goto(f"{base_url}/proposals/{proposal_id}")
    assert boss.get_by_role("row", name="Dr. Bima Penilai").is_visible()
    decide(boss, proposal_id, "Minta revisi", "Lampirkan data antrean tahun lalu.", javascript, "Perlu revisi")
    assert boss.locator(f"#proposal-status-{proposal_id}").get_by_text("Perlu revisi").is_visible()

    writer.goto(f"{base_url}/proposals/{proposal_id}")
    assert writer.locator(".notice--warning").get_by_text("Lampirkan data antrean tahun lalu.").is_visible()
    writer.get_by_label("Tanggapan atas permintaan revisi").fill("Data antrean 2024 sudah ditambahkan.")
    writer.get_by_role("button", name="Ajukan ulang").click()
    writer.wait_for_load_state()
    assert writer.locator(".proposal-meta").get_by_text("Diajukan").is_visible()

    boss.goto(f"{base_url}/proposals/{proposal_id}")
    decide(boss, proposal_id, "Setujui", "", javascript, "Disetujui")
    assert boss.locator(f"#proposal-status-{proposal_id}").get_by_text("Disetujui").is_visible()
    # The rest of the page follows the decision: the timeline has the approval and the
    # withdraw button (not allowed once approved) is gone.
    boss.locator("#timeline-region .timeline__item").last.get_by_text("Disetujui").wait_for()
    # The action panel reloads on the same event as the timeline; wait for it, not just the timeline.
    boss.locator("#withdraw").wait_for(state="detached")
    boss.get_by_role("button", name="Publikasikan ke etalase").click()
    boss.get_by_role("button", name="Tarik dari etalase").wait_for()
    screenshot(boss, f"proposal-admin-{mode}")

    citizen = new_tab()
    citizen.goto(f"{base_url}/")
    citizen.get_by_role("link", name=title).click()
    citizen.wait_for_url(f"{base_url}/innovations/{proposal_id}")
    assert citizen.get_by_role("heading", name=title, level=1).is_visible()
    assert citizen.locator(".team-list").get_by_text("Dedi Kurniawan").is_visible()
    assert citizen.locator(".sdg-list").get_by_text("Industri, Inovasi dan Infrastruktur").is_visible()
    assert citizen.get_by_role("link", name="https://youtu.be/izin-kilat").is_visible()
    assert cycle.year
