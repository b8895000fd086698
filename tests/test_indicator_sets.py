"""Indicator sets as yearly data (issue 18, point 1): the shipped 2023 sets, which set a cycle
uses, claims keeping their set, and an admin's CSV import, all or nothing, with line numbers."""
import io
from decimal import Decimal

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from app.core.extensions import db
from app.maturity import indicator_sets, services
from app.models import AuditEntry, Indicator, IndicatorSet, SetLevel
from tests import factories
from tests.test_migrations import _migrated_app, empty_database_url  # noqa: F401 (a fixture)

GOOD = """code,order,name,evidence,weight,level_1,points_1,level_2,points_2
baru_satu,1,Indikator baru satu,Dokumen satu,2,Ada,1,Lengkap,3
baru_dua,2,Indikator baru dua,Dokumen dua,,Ada,0,Lengkap,2
"""


def indicator_count() -> int:
    return db.session.scalar(select(func.count(Indicator.id)))


def test_the_shipped_sets_of_2023_load_with_their_weights_and_levels(make):
    assert services.load_indicators(year=2023) == 35
    sets = {s.aspect: s for s in db.session.scalars(select(IndicatorSet))}
    assert sets["innovation"].year == sets["region"].year == 2023
    assert sets["innovation"].weight == Decimal("0.748") and sets["region"].weight == Decimal("0.252")
    assert len(sets["innovation"].indicators) == 20 and len(sets["region"].indicators) == 15
    regulasi = next(i for i in sets["innovation"].indicators if i.code == "regulasi")
    assert [(level.level, level.points) for level in regulasi.set_levels] == [(1, 1), (2, 2), (3, 3)]
    assert regulasi.set_levels[0].description == "Ditetapkan dengan SK kepala perangkat daerah"
    # A second load adds nothing and changes nothing an admin edited.
    regulasi.name = "Regulasi (diubah)"
    assert services.load_indicators() == 0
    assert regulasi.name == "Regulasi (diubah)"
    with pytest.raises(services.ServiceError, match="2019"):
        services.load_indicators(year=2019)


def test_a_cycle_uses_the_newest_set_of_its_year_or_before(make):
    old = make.indicator_set(2023)
    new = make.indicator_set(2026)
    old_indicator = make.indicator(set=old)
    new_indicator = make.indicator(set=new, set_points=(2, 4))
    assert indicator_sets.set_for(2025, "innovation") == old
    assert indicator_sets.set_for(2027, "innovation") == new
    assert indicator_sets.set_for(2020, "innovation") == old  # before every set: the oldest
    assert indicator_sets.set_for(2026, "region") is None
    scale_2026 = services.scale_for(make.cycle(year=2026))
    assert [i.id for i in scale_2026.indicators] == [new_indicator.id]
    assert [(v.level, v.points) for v in scale_2026.levels_of(new_indicator.id)] == [(1, 2), (2, 4)]
    assert [i.id for i in services.scale_for(make.cycle(year=2024)).indicators] == [old_indicator.id]


def test_claims_made_against_an_older_set_keep_their_set(make):
    old_indicator = make.indicator()
    cycle = make.cycle(year=2026)
    proposal = make.proposal_in("implemented", cycle_=cycle)
    claim = services.claim_level(proposal, old_indicator, proposal.author, level=2, note="",
                                 attachment_id=make.attachment(proposal).id)
    # The guide of 2026 comes out after the claim: the cycle keeps the set it was claimed on.
    newer = make.indicator_set(2026)
    make.indicator(set=newer)
    scale = services.scale_for(cycle)
    assert [i.id for i in scale.indicators] == [old_indicator.id]
    assert services.scores_for([proposal], scale)[0].pending == [old_indicator]
    assert claim.indicator.set.year == 2023
    # A new cycle of the same year without claims would take the new set.
    assert indicator_sets.set_for(cycle.year, "innovation") == newer


def test_an_admin_imports_a_set_and_every_bad_line_is_named(client, login_as, make):
    login_as("admin")
    page = client.get("/admin/maturity/sets/import")
    assert page.status_code == 200 and "points_1" in page.get_data(as_text=True)
    bad = ("code,name,level_1,points_1,level_2,points_2\n"
           "baik,Indikator baik,Ada,1,Lengkap,2\n"
           "Salah Kode,Nama,Ada,1,,\n"
           "baik,Kembar,Ada,1,,\n"
           "turun,Poin turun,Ada,3,Lengkap,1\n"
           "kosong,Tanpa level,,,,\n")
    before = indicator_count()
    response = client.post("/admin/maturity/sets/import", data={
        "year": "2026", "aspect": "innovation", "weight": "74,8", "file": (io.BytesIO(bad.encode()), "set.csv")},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for expected in ("Baris 3: kode", "Baris 4: kode &#34;baik&#34; dipakai dua kali",
                     "Baris 5: poin level 2 lebih kecil", "Baris 6: isi paling sedikit level 1"):
        assert expected in html, expected
    assert 'id="file-error"' in html
    assert indicator_count() == before and db.session.scalar(select(func.count(IndicatorSet.id))) == 0

    response = client.post("/admin/maturity/sets/import", data={
        "year": "2026", "aspect": "innovation", "weight": "74,8", "source": "Pedoman 2026",
        "file": (io.BytesIO(GOOD.encode()), "set.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    imported = db.session.scalar(select(IndicatorSet).where(IndicatorSet.year == 2026))
    assert imported.weight == Decimal("0.748") and imported.source == "Pedoman 2026"
    assert [(i.code, i.weight) for i in imported.indicators] == [("baru_satu", 2), ("baru_dua", 1)]
    assert [(lv.level, lv.points) for lv in imported.indicators[1].set_levels] == [(1, 0), (2, 2)]
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)) == \
        "maturity_set_imported"
    listing = client.get("/admin/maturity/indicators").get_data(as_text=True)
    assert "Indikator baru satu" in listing and "74,8%" in listing


def test_a_set_in_use_cannot_be_replaced_and_an_unused_one_only_on_purpose(client, login_as, make):
    login_as("admin")

    def post(replace: bool):
        data = {"year": "2026", "aspect": "innovation", "weight": "70",
                "file": (io.BytesIO(GOOD.encode()), "set.csv")}
        if replace:
            data["replace"] = "y"
        return client.post("/admin/maturity/sets/import", data=data, content_type="multipart/form-data")

    assert post(False).status_code == 302
    again = post(False)
    assert again.status_code == 422 and "sudah ada" in again.get_data(as_text=True)
    assert post(True).status_code == 302
    assert db.session.scalar(select(func.count(Indicator.id))) == 2  # replaced, not added to
    indicator = db.session.scalar(select(Indicator).where(Indicator.code == "baru_satu"))
    cycle = make.cycle(year=2026)
    proposal = make.proposal_in("implemented", cycle_=cycle)
    make.claim(proposal, indicator, 1)
    db.session.commit()
    refused = post(True)
    assert refused.status_code == 422 and "sudah dipakai klaim" in refused.get_data(as_text=True)
    assert db.session.get(Indicator, indicator.id) is not None


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe\x00bukan utf-8", "UTF-8"),
    (b"kode,nama\nx,y\n", "kolom code, name, level_1, points_1 tidak ada"),
    (b"code,name,level_1,points_1,warna\nx,y,a,1,merah\n", "kolom warna tidak dikenal"),
    (b"code,name,level_1,points_1\n", "tidak berisi indikator"),
    (b"code,name,level_1,points_1,weight\nx,Nama,Ada,1,0\n", "Baris 2: bobot"),
    (b"code,name,level_1,points_1\nx,Nama,Ada,1,9\n", "Baris 2: sel lebih banyak"),
])
def test_a_bad_file_is_refused_whole(make, content, message):
    admin = make.user("admin")
    with pytest.raises(indicator_sets.SetFileError, match=message):
        indicator_sets.import_set(2026, "innovation", Decimal("0.7"), indicator_sets.read_upload(io.BytesIO(content)),
                                  admin)
    assert indicator_count() == 0


def test_a_file_over_the_size_limit_is_refused_before_it_is_read_whole():
    too_big = io.BytesIO(b"x" * (indicator_sets.MAX_FILE_BYTES + 10))
    with pytest.raises(indicator_sets.SetFileError, match="terlalu besar"):
        indicator_sets.read_upload(too_big)
    assert too_big.tell() == indicator_sets.MAX_FILE_BYTES + 1


def test_the_migration_puts_existing_indicators_in_the_2023_set_with_levels(empty_database_url, tmp_path):  # noqa: F811 (the fixture)
    application = _migrated_app(empty_database_url, tmp_path)
    with application.app_context():
        upgrade(revision="8b4f2e6a1c93")
        db.session.execute(text(
            "INSERT INTO maturity_indicator (code, name, evidence, \"order\", active, created_at) VALUES "
            "('regulasi', 'Regulasi inovasi daerah', '', 1, true, CURRENT_TIMESTAMP), "
            "('buatan', 'Indikator buatan admin', '', 2, true, CURRENT_TIMESTAMP)"))
        db.session.execute(text(
            "INSERT INTO cycle (year, submission_opens, submission_closes, target_per_agency, blind_review, closed, "
            "created_at) "
            "VALUES (2025, '2025-01-01', '2025-12-31', 1, false, false, CURRENT_TIMESTAMP)"))
        db.session.execute(text(
            "INSERT INTO maturity_level (cycle_id, indicator_id, level, description, points) "
            "SELECT c.id, i.id, 1, 'Level kota', 4 FROM cycle c, maturity_indicator i WHERE i.code = 'buatan'"))
        db.session.commit()
        upgrade()
        chosen = db.session.scalar(select(IndicatorSet))
        assert (chosen.year, chosen.aspect, chosen.weight) == (2023, "innovation", Decimal("0.748"))
        levels = {code: [(lv.level, lv.description, lv.points) for lv in db.session.scalars(
            select(SetLevel).join(Indicator).where(Indicator.code == code).order_by(SetLevel.level))]
            for code in ("regulasi", "buatan")}
        assert levels["regulasi"][0] == (1, "Ditetapkan dengan SK kepala perangkat daerah", 1)
        assert len(levels["regulasi"]) == 3
        assert levels["buatan"] == [(1, "Level kota", 4)]
        assert set(db.session.scalars(select(Indicator.set_id))) == {chosen.id}
        db.session.remove()
        db.engine.dispose()
