"""The audit log in sentences (issue 16, point 8): built when shown, in the reader's
language, filterable by person, action and dates, successive logins folded."""
import re
from datetime import datetime, timezone

from app.core import audit
from app.core.extensions import db
from app.models import AuditEntry
from app.proposals.status import change_status
from tests import factories
from tests.conftest import login


def rows(html: str) -> list[str]:
    """The text of each row of the log's table body."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("<tr>")[1:]]


def english(client):
    client.post("/language", data={"lang": "en", "next": "/admin/audit"})


def admin_named(name: str = "Admin Ani"):
    admin = factories.user(role="admin", name=name)
    db.session.commit()
    return admin


def test_an_approval_reads_as_a_sentence_in_indonesian_and_in_english(client):
    admin = admin_named()
    proposal = factories.submitted(title="Layanan Antar Akta")
    db.session.flush()
    change_status(proposal, "approved", admin)
    db.session.commit()
    login(client, admin)
    html = client.get("/admin/audit?action=proposal_status").get_data(as_text=True)
    assert "Admin Ani menyetujui usulan “Layanan Antar Akta”" in rows(html)[0]
    english(client)
    html = client.get("/admin/audit?action=proposal_status").get_data(as_text=True)
    assert "Admin Ani approved proposal “Layanan Antar Akta”" in rows(html)[0]
    assert "menyetujui" not in html


def test_the_sentence_is_built_when_shown_not_read_from_the_stored_summary(client):
    """The summary holds the name of the thing; the words around it come from the action."""
    admin = admin_named()
    target = factories.user(role="innovator", email="budi@example.com")
    db.session.flush()
    audit.record("role_changed", target=target, actor=admin, summary="budi@example.com", old="innovator", new="reviewer")
    db.session.commit()
    login(client, admin)
    html = client.get("/admin/audit?action=role_changed").get_data(as_text=True)
    assert "Admin Ani mengubah peran budi@example.com dari Inovator menjadi Penilai" in rows(html)[0]
    english(client)
    html = client.get("/admin/audit?action=role_changed").get_data(as_text=True)
    assert "Admin Ani changed the role of budi@example.com from Innovator to Reviewer" in rows(html)[0]


def test_invitations_and_password_links_read_as_sentences(client):
    admin = admin_named()
    target = factories.user(role="innovator", email="sari@example.com")
    db.session.flush()
    audit.record("user_created", target=target, actor=admin, summary="sari@example.com", role="innovator",
                 invited=True)
    audit.record("password_link_sent", target=target, actor=admin, summary="sari@example.com", kind="invite")
    audit.record("password_set_by_link", target=target, actor=target, summary="sari@example.com", kind="invite")
    db.session.commit()
    login(client, admin)
    lines = rows(client.get("/admin/audit").get_data(as_text=True))
    assert any(f"{target.name} membuat kata sandi lewat tautan undangan" in line for line in lines)
    assert any("Admin Ani mengirim undangan ke sari@example.com" in line for line in lines)
    assert any("Admin Ani membuat akun sari@example.com sebagai Inovator dan mengundangnya" in line for line in lines)
    english(client)
    lines = rows(client.get("/admin/audit").get_data(as_text=True))
    assert any("Admin Ani sent an invitation to sari@example.com" in line for line in lines)


def test_a_review_sentence_shows_its_score_with_a_decimal_comma(client):
    admin = admin_named()
    reviewer = factories.user(role="reviewer", name="Rina")
    proposal = factories.submitted(title="Kartu Sehat")
    db.session.flush()
    audit.record("review_created", target=proposal, actor=reviewer, summary=proposal.title,
                 weighted_score=72.5, recommendation="approve")
    db.session.commit()
    login(client, admin)
    html = client.get("/admin/audit?action=review_created").get_data(as_text=True)
    assert "Rina menilai usulan “Kartu Sehat” dengan skor 72,5" in rows(html)[0]
    english(client)
    assert "with a score of 72.5" in client.get("/admin/audit?action=review_created").get_data(as_text=True)


def test_a_failed_login_without_a_person_still_reads_as_a_sentence(client):
    admin = admin_named()
    client.post("/auth/login", data={"email": "nobody@example.com", "password": "whatever-it-is"})
    login(client, admin)
    html = client.get("/admin/audit?action=login_failed").get_data(as_text=True)
    assert "Percobaan masuk gagal dengan email tak dikenal nobody@example.com" in rows(html)[0]


def test_successive_logins_of_one_person_are_folded_into_one_line(client):
    admin = admin_named()
    other = factories.user(role="innovator", name="Budi")
    db.session.commit()
    for _ in range(4):
        login(client, admin)
        client.post("/auth/logout")
    # logins only, for the fold: drop the logouts in between
    for entry in db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "logout")):
        db.session.delete(entry)
    db.session.commit()
    login(client, other)
    client.post("/auth/logout")
    login(client, admin)
    html = client.get("/admin/audit?action=login").get_data(as_text=True)
    lines = rows(html)
    assert len(lines) == 3, lines
    assert "Admin Ani masuk" in lines[0] and "kali" not in lines[0]
    assert "Budi masuk" in lines[1]
    assert "Admin Ani masuk 4 kali" in lines[2]
    assert "3 catatan" in html  # counted in lines
    english(client)
    assert "Admin Ani signed in 4 times" in client.get("/admin/audit?action=login").get_data(as_text=True)


def test_a_run_of_logins_is_one_line_across_pages_and_paging_counts_lines(client):
    admin = admin_named()
    budi = factories.user(role="innovator", name="Budi")
    db.session.flush()
    for n in range(60):
        audit.record("comment_added", actor=budi, summary=f"Usulan {n}")
    for _ in range(55):
        audit.record("login", target=admin, actor=admin, summary=admin.email)
    db.session.commit()
    login(client, admin)  # the 56th
    first = rows(client.get("/admin/audit").get_data(as_text=True))
    assert len(first) == 50
    assert "Admin Ani masuk 56 kali" in first[0] and "Usulan 59" in first[1]
    second_html = client.get("/admin/audit?page=2").get_data(as_text=True)
    second = rows(second_html)
    assert len(second) == 11 and "“Usulan 0”" in second[-1]
    assert "61 catatan" in second_html and "Halaman 2 dari 2" in second_html


def test_logins_are_folded_within_a_filter_too(client):
    """Successive in what is shown: a filter by person folds logins that other entries separated."""
    admin = admin_named()
    budi = factories.user(role="innovator", name="Budi")
    db.session.flush()
    for _ in range(3):
        audit.record("login", actor=admin, summary=admin.email)
        audit.record("login", actor=budi, summary=budi.email)
    db.session.commit()
    login(client, admin)
    everything = rows(client.get("/admin/audit").get_data(as_text=True))
    assert len(everything) == 7 and all("kali" not in line for line in everything)
    assert "Admin Ani masuk 4 kali" in client.get("/admin/audit?actor=ani").get_data(as_text=True)


def test_the_log_filters_by_person(client):
    admin = admin_named()
    rina = factories.user(role="reviewer", name="Rina Wati", email="rina@example.com")
    proposal = factories.submitted(title="Pojok Baca")
    db.session.flush()
    audit.record("comment_added", target=proposal, actor=rina, summary=proposal.title)
    audit.record("proposal_updated", target=proposal, actor=admin, summary=proposal.title)
    db.session.commit()
    login(client, admin)
    html = client.get("/admin/audit?actor=rina").get_data(as_text=True)
    assert any("Rina Wati mengomentari usulan “Pojok Baca”" in line for line in rows(html))
    assert "mengubah usulan" not in html


def test_the_action_filter_lists_actions_by_their_names(client):
    admin = admin_named()
    login(client, admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert '<option value="login">Masuk</option>' in html
    english(client)
    assert '<option value="login">Log in</option>' in client.get("/admin/audit").get_data(as_text=True)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=timezone.utc)


def test_the_log_filters_by_date_range_in_the_citys_days(client):
    admin = admin_named()
    for when, title in (("2026-03-01T10:00", "Maret"), ("2026-03-10T18:30", "Larut"), ("2026-04-01T10:00", "April")):
        entry = audit.record("proposal_created", actor=admin, summary=title)
        entry.created_at = at(when)
    db.session.commit()
    login(client, admin)
    html = client.get("/admin/audit?action=proposal_created&from=2026-03-01&to=2026-03-10").get_data(as_text=True)
    lines = rows(html)
    assert len(lines) == 1 and "“Maret”" in lines[0]  # 18:30 UTC on 10 March is already 11 March in WIB
    html = client.get("/admin/audit?action=proposal_created&from=2026-03-11").get_data(as_text=True)
    assert [("“Larut”" in line or "“April”" in line) for line in rows(html)] == [True, True]


def test_a_bad_date_gives_a_message_beside_the_field_not_an_error_page(client):
    admin = admin_named()
    login(client, admin)
    response = client.get("/admin/audit?from=2026-13-45")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="from-error"' in html and "Isi tanggal yang benar" in html
    fragment = client.get("/admin/audit?from=kemarin", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "error-summary" in fragment and 'href="#from"' in fragment


def test_an_end_date_before_the_start_is_named(client):
    admin = admin_named()
    login(client, admin)
    html = client.get("/admin/audit?from=2026-05-02&to=2026-05-01").get_data(as_text=True)
    assert 'id="to-error"' in html and "Tanggal akhir tidak boleh sebelum tanggal awal." in html


def test_the_log_costs_the_same_queries_for_few_and_many_entries(client, count_queries):
    admin = admin_named()
    login(client, admin)

    def cost() -> int:
        with count_queries() as counter:
            assert client.get("/admin/audit").status_code == 200
        return counter.count

    people = [factories.user(role="reviewer") for _ in range(3)]
    proposal = factories.submitted()
    db.session.flush()
    audit.record("review_created", target=proposal, actor=people[0], summary=proposal.title, weighted_score=60.0)
    db.session.commit()
    few = cost()
    for n in range(30):
        audit.record("comment_added", target=proposal, actor=people[n % 3], summary=proposal.title)
        audit.record("login", actor=people[n % 3], summary="x")
    db.session.commit()
    assert cost() == few


def test_a_maturity_verification_names_the_indicator_and_its_decision(client):
    admin = admin_named()
    reviewer = factories.user(role="reviewer", name="Dr. Bambang")
    db.session.flush()
    audit.record("maturity_verified", actor=reviewer, summary="Regulasi inovasi: accepted",
                         indicator="regulasi", indicator_name="Regulasi inovasi daerah", decision="accepted")
    audit.record("maturity_claimed", actor=reviewer, summary="x", indicator="sdm", level=2)
    db.session.commit()
    login(client, admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Dr. Bambang memverifikasi klaim indikator Regulasi inovasi daerah: Terverifikasi" in html
    assert "Dr. Bambang mengklaim tingkat 2 pada indikator sdm" in html  # an older entry: its code


def test_every_action_the_code_records_has_a_name_and_a_sentence(app):
    """A new audit.record("...") without words here would show as its bare code."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "app"
    recorded = {action for path in root.rglob("*.py")
                for action in re.findall(r'audit\.record\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8"))}
    recorded |= {"user_activated", "user_deactivated", "agency_created", "agency_updated", "cycle_created",
                 "cycle_updated", "proposal_published", "proposal_unpublished", "review_created", "review_updated"}
    assert "proposal_status" in recorded and "login" in recorded
    with app.test_request_context():
        for action in sorted(recorded):
            assert action in audit.ACTION_LABELS, action
            sentence = audit.describe(AuditEntry(action=action, summary="X", details={}))
            assert action not in sentence and sentence.startswith(("Sistem", "Percobaan", "Seorang", "Usulan")), sentence
