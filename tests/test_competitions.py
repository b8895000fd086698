"""Competitions (issue 19, DESIGN §10): set-up, entries, the assignment rule and its balance,
who may score an entry, results and the judge, the winner marks, the export, statistics."""
from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.competitions import services
from app.core.cycles import city_today
from app.core.extensions import db
from app.models import Competition, CompetitionEntry, ConflictDeclaration, Review, ReviewAssignment
from tests.conftest import login


def relogin(client, user):
    """Log the client out and in again as `user`."""
    client.post("/auth/logout")
    login(client, user)
from tests.factories import AWARD_CRITERIA, KIPP_CRITERIA


@pytest.fixture
def contest(make):
    """A competition with two tracks, two entries of two agencies, four reviewers, an admin."""
    admin = make.user(role="admin")
    agency_a, agency_b = make.agency(code="DINKES"), make.agency(code="DISDIK")
    comp = make.competition(tracks=("opd", "sekolah"))
    first = make.entry(comp, make.submitted(agency_=agency_a, title="Antrean Puskesmas Daring"), "opd")
    second = make.entry(comp, make.submitted(agency_=agency_b, title="Rapor Digital"), "sekolah")
    reviewers = [make.user(role="reviewer", name=f"Penilai {n}") for n in "ABCD"]
    db.session.commit()
    return dict(admin=admin, agency_a=agency_a, agency_b=agency_b, competition=comp, first=first, second=second,
                reviewers=reviewers)


# --- set-up ----------------------------------------------------------------------

def test_tracks_are_parsed_and_a_bad_line_is_named():
    assert services.parse_tracks("opd: Perangkat daerah\n\nsekolah") == [("opd", "Perangkat daerah"),
                                                                          ("sekolah", "sekolah")]
    with pytest.raises(services.CompetitionError, match="Baris 2"):
        services.parse_tracks("opd: OPD\nSekolah Dasar!: SD")
    with pytest.raises(services.CompetitionError, match="Baris 3.*sudah dipakai"):
        services.parse_tracks("opd\nsekolah\nopd: lagi")


def _form(cycle, rubric, **fields):
    today = city_today()
    data = {"cycle_id": str(cycle.id), "name": "Lomba Inovasi Kota", "description": "", "rubric_id": str(rubric.id),
            "tracks": "opd: Perangkat daerah\nsekolah: Sekolah", "entry_deadline": str(today + timedelta(days=5)),
            "review_deadline": str(today + timedelta(days=15))}
    data.update(fields)
    return data


def test_admin_creates_a_competition_with_its_tracks(client, make):
    admin = make.user(role="admin")
    cycle, rubric = make.cycle(), make.award_rubric()
    db.session.commit()
    login(client, admin)
    response = client.post("/admin/competitions/new", data=_form(cycle, rubric, blind_review="y"))
    assert response.status_code == 302
    comp = db.session.scalar(select(Competition))
    assert (comp.name, comp.rubric_id, comp.blind_review) == ("Lomba Inovasi Kota", rubric.id, True)
    assert [(t.code, t.name) for t in comp.tracks] == [("opd", "Perangkat daerah"), ("sekolah", "Sekolah")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Lomba Inovasi Kota" in page and "Perangkat daerah" in page


@pytest.mark.parametrize(("fields", "message"), [
    ({"tracks": "opd\nSD Negeri!"}, "Baris 2"),
    ({"tracks": ""}, "Tuliskan paling sedikit satu kategori."),
    ({"review_deadline": "2000-01-01"}, "Batas penilaian tidak boleh sebelum batas pendaftaran."),
    ({"name": ""}, "Isi nama lomba."),
])
def test_a_wrong_field_comes_back_beside_it_and_nothing_is_saved(client, make, fields, message):
    admin = make.user(role="admin")
    cycle, rubric = make.cycle(), make.award_rubric()
    db.session.commit()
    login(client, admin)
    response = client.post("/admin/competitions/new", data=_form(cycle, rubric, **fields))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Competition.id))) == 0


def test_the_rubric_is_fixed_once_an_entry_is_reviewed(client, contest, make):
    comp = contest["competition"]
    make.review(contest["first"].proposal, reviewer=contest["reviewers"][0], rubric=comp.rubric)
    db.session.commit()
    login(client, contest["admin"])
    kipp = make.award_rubric.__globals__["rubrics"].default_rubric()
    data = _form(comp.cycle, kipp, name=comp.name, tracks="opd\nsekolah")
    response = client.post(f"/admin/competitions/{comp.id}/edit", data=data)
    assert response.status_code == 422
    assert "Rubrik tidak dapat diganti" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Competition, comp.id).rubric_id != kipp.id


def test_a_track_holding_entries_cannot_be_removed(client, contest):
    comp = contest["competition"]
    login(client, contest["admin"])
    response = client.post(f"/admin/competitions/{comp.id}/edit",
                           data=_form(comp.cycle, comp.rubric, name=comp.name, tracks="opd"))
    assert response.status_code == 422
    assert "tidak dapat dihapus" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(Competition, comp.id).tracks) == 2


# --- entering ----------------------------------------------------------------------

def test_the_agency_enters_its_proposal_before_the_deadline(client, make):
    comp = make.competition()
    proposal = make.submitted()
    db.session.commit()
    login(client, proposal.author)
    page = client.get(f"/proposals/{proposal.id}/competition").get_data(as_text=True)
    assert comp.name in page and "Sekolah" in page
    response = client.post(f"/proposals/{proposal.id}/competition", data={"track_id": comp.tracks[1].id})
    assert response.status_code == 302
    entry = db.session.scalar(select(CompetitionEntry))
    assert (entry.proposal_id, entry.track_id) == (proposal.id, comp.tracks[1].id)
    # The proposal page says so.
    assert f"Peserta {comp.name}, kategori Sekolah" in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)


def test_after_the_entry_deadline_no_entry_is_taken(client, make):
    comp = make.competition(entry_days=-1, review_days=5)
    proposal = make.submitted()
    db.session.commit()
    login(client, proposal.author)
    assert "Tidak ada lomba yang membuka pendaftaran" in client.get(
        f"/proposals/{proposal.id}/competition").get_data(as_text=True)
    response = client.post(f"/proposals/{proposal.id}/competition", data={"track_id": comp.tracks[0].id})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(CompetitionEntry.id))) == 0


def test_another_agency_and_a_draft_cannot_enter(client, make):
    comp = make.competition()
    proposal, draft = make.submitted(), make.proposal()
    outsider = make.user(role="innovator")
    db.session.commit()
    login(client, outsider)
    assert client.post(f"/proposals/{proposal.id}/competition",
                       data={"track_id": comp.tracks[0].id}).status_code == 403
    relogin(client, draft.author)
    assert client.post(f"/proposals/{draft.id}/competition", data={"track_id": comp.tracks[0].id}).status_code == 403
    assert db.session.scalar(select(func.count(CompetitionEntry.id))) == 0


def test_a_proposal_enters_one_competition_only(make):
    first, second = make.competition(name="Lomba A"), make.competition(name="Lomba B")
    proposal = make.submitted()
    services.enter(proposal, first.tracks[0], proposal.author, city_today())
    with pytest.raises(services.CompetitionError, match="Satu usulan mengikuti satu lomba"):
        services.enter(proposal, second.tracks[0], proposal.author, city_today())


# --- the assignment rule and its balance -------------------------------------------

def test_a_reviewer_of_the_entrys_agency_or_with_a_conflict_is_refused(make, contest):
    entry = contest["first"]
    own = make.user(role="reviewer", agency_=contest["agency_a"], name="Penilai Dinkes")
    conflicted = contest["reviewers"][0]
    db.session.add(ConflictDeclaration(proposal_id=entry.proposal_id, reviewer_id=conflicted.id, reason="Kerabat"))
    db.session.flush()
    with pytest.raises(services.CompetitionError, match="berasal dari perangkat daerah pengusul"):
        services.assign(entry, own, contest["admin"])
    with pytest.raises(services.CompetitionError, match="konflik kepentingan"):
        services.assign(entry, conflicted, contest["admin"])
    innovator = make.user(role="innovator")
    with pytest.raises(services.CompetitionError, match="bukan penilai aktif"):
        services.assign(entry, innovator, contest["admin"])
    assert services.assign(entry, contest["reviewers"][1], contest["admin"]).reviewer_id == contest["reviewers"][1].id
    with pytest.raises(services.CompetitionError, match="sudah ditugaskan"):
        services.assign(entry, contest["reviewers"][1], contest["admin"])


def test_bulk_assignment_gives_each_entry_two_and_balances_the_load(make):
    admin = make.user(role="admin")
    comp = make.competition()
    entries = [make.entry(comp, make.submitted()) for _ in range(6)]
    reviewers = [make.user(role="reviewer") for _ in range(4)]
    own_agency = make.user(role="reviewer", agency_=entries[0].proposal.agency)
    result = services.assign_balanced(comp, admin)
    assert (result.added, result.short) == (12, [])
    for e in entries:
        assigned = {a.reviewer_id for a in e.assignments}
        assert len(assigned) == 2
    assert own_agency.id not in {a.reviewer_id for a in entries[0].assignments}
    loads = db.session.execute(select(ReviewAssignment.reviewer_id, func.count()).group_by(
        ReviewAssignment.reviewer_id)).all()
    counts = [count for _r, count in loads]
    assert max(counts) - min(counts) <= 1, loads
    assert {r.id for r in reviewers} | {own_agency.id} >= {r for r, _c in loads}


def test_bulk_assignment_keeps_hand_made_assignments_and_reports_the_short(make, contest):
    entry = contest["first"]
    kept = contest["reviewers"][2]
    services.assign(entry, kept, contest["admin"])
    for reviewer in contest["reviewers"][1:]:
        db.session.add(ConflictDeclaration(proposal_id=contest["second"].proposal_id, reviewer_id=reviewer.id))
    db.session.flush()
    result = services.assign_balanced(contest["competition"], contest["admin"], per_entry=3)
    assert kept.id in {a.reviewer_id for a in entry.assignments}
    assert len(entry.assignments) == 3
    # The second entry has only one reviewer without a conflict: two missing.
    assert [(e.id, missing) for e, missing in result.short] == [(contest["second"].id, 2)]


def test_assignment_pages_assign_in_bulk_and_by_hand(client, contest):
    comp, first = contest["competition"], contest["first"]
    login(client, contest["admin"])
    response = client.post(f"/admin/competitions/{comp.id}/assign", data={"per_entry": "2"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "4 penugasan baru." in page
    assert db.session.scalar(select(func.count(ReviewAssignment.id))) == 4
    free = next(r for r in contest["reviewers"]
                if r.id not in {a.reviewer_id for a in db.session.get(CompetitionEntry, first.id).assignments})
    response = client.post(f"/admin/competitions/{comp.id}/entries/{first.id}/assign", data={"reviewer_id": free.id})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(ReviewAssignment.id))) == 5
    assignment = db.session.scalar(select(ReviewAssignment).where(ReviewAssignment.reviewer_id == free.id))
    assert client.post(f"/admin/competitions/{comp.id}/assignments/{assignment.id}/remove").status_code == 302
    assert db.session.scalar(select(func.count(ReviewAssignment.id))) == 4


def test_bulk_assignment_refuses_an_out_of_range_number(client, contest):
    login(client, contest["admin"])
    response = client.post(f"/admin/competitions/{contest['competition'].id}/assign", data={"per_entry": "9"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert 'id="per_entry-error"' in response.get_data(as_text=True)
    assert "Antara 2 dan 5 penilai per peserta." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ReviewAssignment.id))) == 0


# --- who scores an entry, on which rubric -------------------------------------------

def test_only_assigned_reviewers_score_an_entry_and_admins_are_exempt(client, contest, make):
    entry, (assigned, other) = contest["first"], contest["reviewers"][:2]
    make.assignment(entry, assigned)
    db.session.commit()
    proposal_id = entry.proposal_id
    login(client, other)
    assert client.get(f"/proposals/{proposal_id}/review").status_code == 403
    assert client.post(f"/proposals/{proposal_id}/review",
                       data=make.review_form(proposal_id, rubric=make.award_rubric())).status_code == 403
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "hanya penilai yang ditugaskan admin yang menilainya" in page
    queue = client.get("/proposals/review-queue").get_data(as_text=True)
    assert "Antrean Puskesmas Daring" not in queue
    relogin(client, assigned)
    response = client.post(f"/proposals/{proposal_id}/review", data=make.review_form(
        proposal_id, rubric=make.award_rubric()))
    assert response.status_code == 302
    relogin(client, contest["admin"])
    assert client.post(f"/proposals/{proposal_id}/review", data=make.review_form(
        proposal_id, rubric=make.award_rubric())).status_code == 302
    assert db.session.scalar(select(func.count(Review.id))) == 2


def test_the_queue_shows_assigned_entries_first_with_their_deadline(client, make, contest):
    reviewer = contest["reviewers"][0]
    make.submitted(title="Usulan Biasa Lebih Dulu")  # submitted earlier than nothing: same time, lower id
    make.assignment(contest["second"], reviewer)
    db.session.commit()
    login(client, reviewer)
    page = client.get("/proposals/review-queue").get_data(as_text=True)
    assert page.index("Rapor Digital") < page.index("Usulan Biasa Lebih Dulu")
    deadline = contest["competition"].review_deadline
    assert "Ditugaskan kepada Anda" in page
    assert f"{contest['competition'].name}, kategori Sekolah" in page
    assert str(deadline.year) in page


def test_an_entry_is_scored_on_its_competitions_rubric_and_another_proposal_on_kipp(client, make, contest):
    reviewer = contest["reviewers"][0]
    make.assignment(contest["first"], reviewer)
    plain = make.submitted(title="Di luar lomba")
    db.session.commit()
    login(client, reviewer)
    entry_form = client.get(f"/proposals/{contest['first'].proposal_id}/review").get_data(as_text=True)
    assert all(f"score_{code}" in entry_form for code in AWARD_CRITERIA)
    assert "score_background" not in entry_form
    plain_form = client.get(f"/proposals/{plain.id}/review").get_data(as_text=True)
    assert all(f"score_{code}" in plain_form for code in KIPP_CRITERIA)
    # Scores under two rubrics in one cycle: each weighted by its own rubric's formula.
    client.post(f"/proposals/{contest['first'].proposal_id}/review", data=make.review_form(
        contest["first"].proposal_id, rubric=make.award_rubric(), score=5, novelty=1))
    client.post(f"/proposals/{plain.id}/review", data=make.review_form(plain.id, score=5, novelty=1))
    award = db.session.scalar(select(Review).where(Review.proposal_id == contest["first"].proposal_id))
    kipp = db.session.scalar(select(Review).where(Review.proposal_id == plain.id))
    assert award.rubric.code == "penghargaan-presentasi" and kipp.rubric.code == "kipp-2023"
    # Award: novelty weighs 30 of 100 -> (70·5 + 30·1)/5 = 76. KIPP: novelty weighs 15 -> (85·5 + 15·1)/5 = 88.
    assert award.weighted_score == pytest.approx(76.0)
    assert kipp.weighted_score == pytest.approx(88.0)


def test_a_review_given_before_entering_is_scored_again_on_the_contests_rubric(client, make, contest):
    """A reviewer who scored the proposal on KIPP before it entered is told their review does
    not count in the contest, and saving again moves it onto the contest's rubric."""
    reviewer = contest["reviewers"][0]
    proposal = contest["first"].proposal
    earlier = make.review(proposal, reviewer=reviewer, score=2)
    assert earlier.rubric.code == "kipp-2023"
    make.assignment(contest["first"], reviewer)
    db.session.commit()
    login(client, reviewer)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Hasil lomba hanya menghitung penilaian dengan rubrik" in page
    assert "Nilai ulang dengan rubrik lomba" in page
    form = client.get(f"/proposals/{proposal.id}/review").get_data(as_text=True)
    assert all(f"score_{code}" in form for code in AWARD_CRITERIA) and "score_background" not in form
    assert "diganti saat disimpan" in form
    answer = client.post(f"/proposals/{proposal.id}/review",
                         data=make.review_form(proposal.id, rubric=make.award_rubric(), score=4))
    assert answer.status_code in (200, 302)
    db.session.expire_all()
    review = db.session.get(Review, earlier.id)
    assert review.rubric.code == "penghargaan-presentasi" and review.weighted_score == pytest.approx(80.0)
    assert sorted(review.scores) == sorted(AWARD_CRITERIA)
    assert services.results(contest["competition"])[0].rows[0].reviews == 1
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Nilai ulang dengan rubrik lomba" not in page and "Ubah penilaian" in page


def test_blind_review_per_competition_hides_the_agency_from_its_reviewers(client, make):
    comp = make.competition(blind_review=True)
    proposal = make.submitted(agency_=make.agency(code="DPMPTSP", name="Dinas Penanaman Modal Terpadu"))
    entry = make.entry(comp, proposal)
    reviewer = make.user(role="reviewer")
    make.assignment(entry, reviewer)
    assert not proposal.cycle.blind_review
    db.session.commit()
    login(client, reviewer)
    for path in (f"/proposals/{proposal.id}", "/proposals/review-queue"):
        page = client.get(path).get_data(as_text=True)
        assert "Dinas Penanaman Modal Terpadu" not in page, path
    assert "disembunyikan" in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)


# --- results, the judge, the showcase -----------------------------------------------

def _scored(make, contest, scores):
    """Reviews on the competition's rubric: {entry key: [(reviewer index, score), ...]}."""
    rubric = contest["competition"].rubric
    for key, given in scores.items():
        for index, score in given:
            make.review(contest[key].proposal, reviewer=contest["reviewers"][index], score=score, rubric=rubric)


def test_results_rank_each_track_with_spread_and_count(make, contest):
    comp = contest["competition"]
    third = make.entry(comp, make.submitted(title="Posyandu Pintar"), "opd")
    contest["third"] = third
    make.assignment(third, contest["reviewers"][0])
    _scored(make, contest, {"first": [(0, 3), (1, 5)], "second": [(0, 4)], "third": [(1, 5), (2, 5)]})
    # A review given before entering, on KIPP, is not comparable: it stays out.
    make.review(contest["first"].proposal, reviewer=contest["reviewers"][3], score=1)
    tracks = services.results(comp)
    opd, school = tracks
    assert [r.entry.id for r in opd.rows] == [third.id, contest["first"].id]
    first = opd.rows[1]
    assert (first.reviews, first.mean, first.spread) == (2, pytest.approx(80.0), pytest.approx(20.0))
    assert (opd.rows[0].assigned, opd.rows[0].reviews) == (1, 2)
    assert [r.entry.id for r in school.rows] == [contest["second"].id] and school.rows[0].spread is None


def test_the_judge_records_ranks_and_winners_and_the_showcase_marks_them(client, make, contest):
    comp, first, second = contest["competition"], contest["first"], contest["second"]
    first.proposal.status, first.proposal.published = "approved", True
    db.session.commit()
    login(client, contest["admin"])
    opd = comp.tracks[0]
    response = client.post(f"/admin/competitions/{comp.id}/tracks/{opd.id}/judge", data={
        f"t{opd.id}-rank_{first.id}": "1", f"t{opd.id}-winner_{first.id}": "y",
        f"t{opd.id}-note_{first.id}": "Paling siap direplikasi."})
    assert response.status_code == 302
    db.session.expire_all()
    judged = db.session.get(CompetitionEntry, first.id)
    assert (judged.final_rank, judged.winner, judged.judge_note) == (1, True, "Paling siap direplikasi.")
    # Not announced yet: the showcase says nothing.
    assert "Peringkat 1" not in client.get(f"/innovations/{first.proposal_id}").get_data(as_text=True)
    assert client.post(f"/admin/competitions/{comp.id}/publish", data={"published": "1"}).status_code == 302
    mark = f"Peringkat 1 {comp.name} {comp.cycle.year}, kategori Opd"
    assert mark in client.get(f"/innovations/{first.proposal_id}").get_data(as_text=True)
    client.post("/auth/logout")
    assert mark in client.get("/").get_data(as_text=True)
    assert second.proposal.title not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(("fields", "message"), [
    ({"rank_a": "1", "rank_b": "1"}, "Peringkat 1 diberikan dua kali"),
    ({"winner_a": "y"}, "Beri peringkat untuk pemenang"),
    ({"rank_a": "7"}, "Peringkat antara 1 dan 2."),
])
def test_a_wrong_judgement_is_refused_and_changes_nothing(client, make, contest, fields, message):
    comp = contest["competition"]
    other = make.entry(comp, make.submitted(title="Posyandu Pintar"), "opd")
    db.session.commit()
    opd = comp.tracks[0]
    ids = {"a": contest["first"].id, "b": other.id}
    data = {f"t{opd.id}-{key[:-2]}_{ids[key[-1]]}": value for key, value in fields.items()}
    login(client, contest["admin"])
    response = client.post(f"/admin/competitions/{comp.id}/tracks/{opd.id}/judge", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(
        (CompetitionEntry.final_rank.is_not(None)) | CompetitionEntry.winner.is_(True))) == 0


def test_winners_cannot_be_announced_before_any_is_recorded(client, contest):
    comp = contest["competition"]
    login(client, contest["admin"])
    response = client.post(f"/admin/competitions/{comp.id}/publish", data={"published": "1"}, follow_redirects=True)
    assert "Catat pemenang lebih dulu" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Competition, comp.id).results_published


# --- the export and the statistics -----------------------------------------------------

def test_the_reviews_xlsx_has_one_row_per_review_and_a_column_per_criterion(client, make, contest):
    _scored(make, contest, {"first": [(0, 3), (1, 5)], "second": [(2, 4)]})
    make.review(contest["first"].proposal, reviewer=contest["reviewers"][3], score=1)  # KIPP, before entering
    db.session.commit()
    login(client, contest["admin"])
    response = client.get(f"/admin/competitions/{contest['competition'].id}/reviews.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    criteria = contest["competition"].rubric.criteria
    assert list(header[:5]) == ["Kategori", "Nomor usulan", "Judul usulan", "Perangkat daerah", "Penilai"]
    assert list(header[5:5 + len(criteria)]) == [f"{c.text} ({c.weight})" for c in criteria]
    assert list(header[5 + len(criteria):]) == ["Skor tertimbang", "Rekomendasi", "Komentar", "Dinilai", "Diubah"]
    assert len(rows) == 1 + 3
    by_reviewer = {row[4]: row for row in rows[1:]}
    assert by_reviewer["Penilai B"][5:5 + len(criteria)] == (5,) * len(criteria)
    assert by_reviewer["Penilai B"][5 + len(criteria)] == 100
    assert "Penilai D" not in by_reviewer


def test_reviewer_statistics_count_assigned_done_overdue_and_days(client, make):
    admin = make.user(role="admin")
    comp = make.competition(entry_days=-10, review_days=-1)
    slow, quick = make.user(role="reviewer", name="Penilai Lambat"), make.user(role="reviewer", name="Penilai Cepat")
    entries = [make.entry(comp, make.submitted()) for _ in range(2)]
    for e in entries:
        make.assignment(e, slow)
        make.assignment(e, quick)
    for e, score in zip(entries, (2, 4)):
        make.review(e.proposal, reviewer=quick, score=score, rubric=comp.rubric)
    loads = {load.reviewer.name: load for load in services.reviewer_loads(comp, city_today())}
    assert (loads["Penilai Lambat"].assigned, loads["Penilai Lambat"].done, loads["Penilai Lambat"].overdue) == (2, 0, 2)
    fast = loads["Penilai Cepat"]
    assert (fast.assigned, fast.done, fast.overdue) == (2, 2, 0)
    assert fast.mean == pytest.approx(60.0) and fast.spread == pytest.approx(20.0)
    assert fast.days_to_review == pytest.approx(0.0, abs=0.01)
    db.session.commit()
    login(client, admin)
    page = client.get(f"/admin/competitions/{comp.id}/reviewers").get_data(as_text=True)
    assert page.index("Penilai Lambat") < page.index("Penilai Cepat")  # overdue first


# --- cost stays flat -------------------------------------------------------------------

@pytest.mark.parametrize("page", ["", "/results", "/reviewers"])
def test_competition_pages_ask_the_same_number_of_queries_for_few_and_many_entries(client, make, count_queries, page):
    admin = make.user(role="admin")
    comp = make.competition()
    reviewers = [make.user(role="reviewer") for _ in range(3)]

    def grow(count):
        for _ in range(count):
            e = make.entry(comp, make.submitted())
            for reviewer in reviewers[:2]:
                make.assignment(e, reviewer)
                make.review(e.proposal, reviewer=reviewer, rubric=comp.rubric)
        db.session.commit()

    grow(2)
    url = f"/admin/competitions/{comp.id}{page}"
    login(client, admin)
    client.get(url)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    grow(10)
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert large.count == small.count, large.statements


def test_the_demo_has_this_years_contest_open_and_two_eligible_reviewers(app_ctx):
    from app import demo

    logins = demo.load()
    contest = db.session.scalar(select(Competition))
    assert contest.accepts_entries(city_today()) and contest.rubric.code == "penghargaan-presentasi"
    assert [t.code for t in contest.tracks] == ["opd", "kelurahan"]
    assert ("reviewer", "penilai.tamu@demo.apusida.id", "penilai-demo-2026") in logins
    assert len([u for u in services.reviewer_pool() if u.role == "reviewer"]) >= 2
    demo.load()  # a second load adds nothing
    assert db.session.scalar(select(func.count(Competition.id))) == 1


def test_assigned_reviewers_are_told_once_per_action(make, contest):
    from app.models import Notification

    entry, one = contest["first"], contest["reviewers"][0]
    services.assign(entry, one, contest["admin"])
    note = db.session.scalar(select(Notification).where(Notification.user_id == one.id))
    assert "Antrean Puskesmas Daring" in note.text and note.link == f"/proposals/{entry.proposal_id}"
    services.assign_balanced(contest["competition"], contest["admin"], per_entry=2)
    told = db.session.scalars(select(Notification).where(Notification.user_id.in_(
        [r.id for r in contest["reviewers"]]))).all()
    # Three more assignments (one for the first entry, two for the second): one message per reviewer.
    assert len(told) == 1 + len({n.user_id for n in told[1:]})
    assert contest["admin"].id not in {n.user_id for n in told}
