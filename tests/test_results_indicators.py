"""Result indicators (issue 17 point 1, DESIGN §8): 1–5 per innovation (name, unit, baseline,
target, direction), set by its agency from approval on at /proposals/<id>/indicators, inline
with HTMX and without JavaScript; numbers as the language writes them; an edit of an older
version refused with the values now stored; an indicator with reported values kept."""
import json
import re

import pytest
from sqlalchemy import func, select

from app.core.audit import describe
from app.core.extensions import db
from app.models import MAX_RESULT_INDICATORS, AuditEntry, ResultIndicator
from tests.conftest import login


@pytest.fixture
def innovation(make):
    """An innovation approved last year with one indicator, its innovator, and a report of it."""
    agency = make.agency(name="Dinas Kependudukan Uji")
    innovator = make.user(role="innovator", agency_=agency, name="Rina Inovator")
    proposal = make.earlier_innovation(agency_=agency, author=innovator, title="KTP Sehari Jadi")
    days = make.result_indicator(proposal, name="Lama terbit KTP", unit="hari", baseline=14, target=1)
    db.session.commit()
    return {"proposal": proposal, "innovator": innovator, "agency": agency, "days": days}


def _new(name="Warga terlayani", unit="orang per bulan", baseline="120", target="300,5", direction="up"):
    return {"new-name": name, "new-unit": unit, "new-baseline": baseline, "new-target": target,
            "new-direction": direction}


def _edit(indicator, version=None, **values):
    data = {"name": indicator.name, "unit": indicator.unit, "baseline": "14", "target": "2", "direction": "down",
            "version": str(indicator.version if version is None else version)}
    data.update(values)
    return {f"i{indicator.id}-{key}": value for key, value in data.items()}


def _indicators(proposal):
    db.session.expire_all()
    return db.session.scalars(select(ResultIndicator).where(ResultIndicator.proposal_id == proposal.id)
                              .order_by(ResultIndicator.position)).all()


def _error_beside(html: str, field_id: str) -> str:
    found = re.search(rf'<p class="error-message" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    assert found is not None, f"no message beside {field_id}"
    return found.group(1)


def _audit(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_the_agency_adds_an_indicator_without_javascript(client, innovation):
    p = innovation["proposal"]
    login(client, innovation["innovator"])
    assert "Tambah indikator" in client.get(f"/proposals/{p.id}/indicators").get_data(as_text=True)

    response = client.post(f"/proposals/{p.id}/indicators", data=_new())
    assert response.status_code == 302
    days, served = _indicators(p)
    assert (served.name, served.unit, served.baseline, served.target, served.direction) == (
        "Warga terlayani", "orang per bulan", 120.0, 300.5, "up")
    assert served.position > days.position  # listed after the ones already there
    assert response.headers["Location"].endswith(f"/proposals/{p.id}/indicators#indicator-{served.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Indikator “Warga terlayani” ditambahkan." in page and "300,5" in page
    (entry,) = _audit("result_indicator_added")
    assert entry.target_id == p.id and entry.details["indicator_name"] == "Warga terlayani"
    assert describe(entry) == "Rina Inovator menambahkan indikator hasil “Warga terlayani” pada inovasi “KTP Sehari Jadi”"


def test_with_htmx_the_region_comes_back_with_the_new_indicator_and_its_announcement(client, innovation):
    p = innovation["proposal"]
    login(client, innovation["innovator"])
    response = client.post(f"/proposals/{p.id}/indicators", data=_new(), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="indicators-region">') and "<html" not in html
    assert "Warga terlayani" in html and "(2/5)" in html
    assert json.loads(response.headers["HX-Trigger"]) == {"announce": "Indikator “Warga terlayani” ditambahkan."}


@pytest.mark.parametrize("data, field, message", [
    (_new(name=""), "new-name", "Isi nama indikator."),
    (_new(unit=""), "new-unit", "Isi satuannya"),
    (_new(baseline=""), "new-baseline", "Isi nilai awal (baseline)"),
    (_new(target="banyak"), "new-target", "Isi angka"),
    (_new(target="1e9"), "new-target", "Isi angka"),
    (_new(target="1" * 31), "new-target", "Isi angka"),  # a number limits its own length
    (_new(target="2000000000"), "new-target", "Isi angka antara"),
    (_new(target="100"), "new-target", "target tidak boleh di bawah baseline"),  # up, below 120
    (_new(direction="down", target="150"), "new-target", "target tidak boleh di atas baseline"),
    (_new(direction="sideways"), "new-direction", ""),
    (_new(name="lama TERBIT ktp"), "new-name", "sudah punya indikator bernama"),
    (_new(name="x" * 201), "new-name", "Paling banyak 200 karakter"),
])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_wrong_field_is_refused_beside_it_and_nothing_is_added(client, innovation, data, field, message, htmx):
    p = innovation["proposal"]
    login(client, innovation["innovator"])
    response = client.post(f"/proposals/{p.id}/indicators", data=data, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in _error_beside(html, field)
    assert 'value="' + data["new-unit"] + '"' in html or not data["new-unit"]  # what was typed stays
    assert len(_indicators(p)) == 1 and not _audit("result_indicator_added")


def test_english_numbers_are_read_as_english_writes_them(client, innovation):
    p = innovation["proposal"]
    login(client, innovation["innovator"])
    client.post("/language", data={"lang": "en"})
    assert client.post(f"/proposals/{p.id}/indicators", data=_new(baseline="1,200", target="3,000.5")).status_code == 302
    assert (_indicators(p)[-1].baseline, _indicators(p)[-1].target) == (1200.0, 3000.5)
    page = client.get(f"/proposals/{p.id}/indicators").get_data(as_text=True)
    assert "3,000.5" in page and "Result indicators" in page and "Higher is better" in page


def test_at_five_indicators_the_form_is_gone_and_a_sixth_is_refused(client, make, innovation):
    p = innovation["proposal"]
    for n in range(MAX_RESULT_INDICATORS - 1):
        make.result_indicator(p, name=f"Indikator {n}")
    db.session.commit()
    login(client, innovation["innovator"])
    page = client.get(f"/proposals/{p.id}/indicators").get_data(as_text=True)
    assert 'id="add-indicator"' not in page and "Sudah 5 indikator, batasnya." in page
    response = client.post(f"/proposals/{p.id}/indicators", data=_new())
    assert response.status_code == 422
    assert "paling banyak 5 indikator hasil" in response.get_data(as_text=True)
    assert len(_indicators(p)) == MAX_RESULT_INDICATORS


def test_an_edit_changes_the_indicator_and_is_audited(client, innovation):
    p, days = innovation["proposal"], innovation["days"]
    login(client, innovation["innovator"])
    response = client.post(f"/proposals/{p.id}/indicators/{days.id}",
                           data=_edit(days, name="Lama terbit KTP-el", target="0,5"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Indikator “Lama terbit KTP-el” diperbarui." in response.get_data(as_text=True)
    (stored,) = _indicators(p)
    assert (stored.name, stored.target, stored.version) == ("Lama terbit KTP-el", 0.5, 2)
    (entry,) = _audit("result_indicator_updated")
    assert entry.details["indicator_name"] == "Lama terbit KTP-el" and entry.details["target_value"] == 0.5


def test_an_edit_of_an_older_version_is_refused_with_the_values_now_stored(app, client, innovation):
    p, days = innovation["proposal"], innovation["days"]
    login(client, innovation["innovator"])
    read_at = days.version
    other = app.test_client()
    login(other, innovation["innovator"])
    assert other.post(f"/proposals/{p.id}/indicators/{days.id}", data=_edit(days, target="3")).status_code == 302

    response = client.post(f"/proposals/{p.id}/indicators/{days.id}", data=_edit(days, version=read_at, target="7"),
                           headers={"HX-Request": "true"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "diubah orang lain setelah Anda membukanya" in html
    assert "Tersimpan sekarang: Lama terbit KTP — baseline 14, target 3 hari" in html
    assert re.search(rf'<input[^>]*name="i{days.id}-target"[^>]*value="7"', html)  # what this person typed is kept
    assert _indicators(p)[0].target == 3.0
    # The form now carries the current version: saving again is a decision made knowing it.
    version = re.search(rf'<input[^>]*name="i{days.id}-version"[^>]*value="(\d+)"', html).group(1)
    assert client.post(f"/proposals/{p.id}/indicators/{days.id}",
                       data=_edit(days, version=int(version), target="7")).status_code == 302
    assert _indicators(p)[0].target == 7.0


def test_an_indicator_without_reported_values_is_deleted(client, make, innovation):
    p = innovation["proposal"]
    spare = make.result_indicator(p, name="Indikator cadangan")
    db.session.commit()
    login(client, innovation["innovator"])
    page = client.get(f"/proposals/{p.id}/indicators").get_data(as_text=True)
    assert f"/indicators/{spare.id}/delete" in page and 'data-confirm="Hapus indikator “Indikator cadangan”?"' in page
    response = client.post(f"/proposals/{p.id}/indicators/{spare.id}/delete",
                           data={f"d{spare.id}-version": str(spare.version)}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Indikator “Indikator cadangan” dihapus." in response.get_data(as_text=True)
    assert [i.name for i in _indicators(p)] == ["Lama terbit KTP"]
    (entry,) = _audit("result_indicator_deleted")
    assert entry.details["indicator_name"] == "Indikator cadangan"


def test_an_indicator_with_reported_values_is_kept(client, make, innovation):
    p, days = innovation["proposal"], innovation["days"]
    make.yearly_report(p, values={days: 4})
    db.session.commit()
    login(client, innovation["innovator"])
    page = client.get(f"/proposals/{p.id}/indicators").get_data(as_text=True)
    assert f"/indicators/{days.id}/delete" not in page and "tidak dapat dihapus" in page
    response = client.post(f"/proposals/{p.id}/indicators/{days.id}/delete",
                           data={f"d{days.id}-version": str(days.version)})
    assert response.status_code == 422
    assert "sudah punya nilai di laporan" in response.get_data(as_text=True)
    assert len(_indicators(p)) == 1 and not _audit("result_indicator_deleted")


def test_a_delete_of_an_older_version_is_refused(client, innovation):
    p, days = innovation["proposal"], innovation["days"]
    login(client, innovation["innovator"])
    response = client.post(f"/proposals/{p.id}/indicators/{days.id}/delete",
                           data={f"d{days.id}-version": str(days.version + 1)})
    assert response.status_code == 409
    assert "diubah orang lain" in response.get_data(as_text=True)
    assert len(_indicators(p)) == 1


def test_another_proposals_indicator_cannot_be_reached_through_this_one(client, make, innovation):
    p = innovation["proposal"]
    elsewhere = make.earlier_innovation(agency_=innovation["agency"], author=innovation["innovator"])
    theirs = make.result_indicator(elsewhere, name="Milik usulan lain")
    db.session.commit()
    login(client, innovation["innovator"])
    assert client.post(f"/proposals/{p.id}/indicators/{theirs.id}", data=_edit(theirs, name="Dibajak")).status_code == 409
    assert client.post(f"/proposals/{p.id}/indicators/{theirs.id}/delete",
                       data={f"d{theirs.id}-version": "1"}).status_code == 409
    assert [i.name for i in _indicators(elsewhere)] == ["Milik usulan lain"]


def test_others_read_the_indicators_but_only_the_agency_and_admins_change_them(client, make, innovation):
    p = innovation["proposal"]
    outsider = make.user(role="innovator", agency_=make.agency(name="Dinas Lain"))
    admin = make.user(role="admin", name="Admin Lab")
    db.session.commit()
    login(client, outsider)
    page = client.get(f"/proposals/{p.id}/indicators").get_data(as_text=True)
    assert "Lama terbit KTP" in page and "Tambah indikator" not in page and "Ubah indikator ini" not in page
    assert client.post(f"/proposals/{p.id}/indicators", data=_new()).status_code == 403
    client.post("/auth/logout")
    login(client, admin)
    assert client.post(f"/proposals/{p.id}/indicators", data=_new()).status_code == 302
    assert len(_indicators(p)) == 2


def test_before_approval_there_are_no_indicators_to_set(client, make):
    agency = make.agency(name="Dinas Baru")
    innovator = make.user(role="innovator", agency_=agency)
    draft = make.proposal_in("submitted", agency_=agency, author=innovator)
    db.session.commit()
    login(client, innovator)
    page = client.get(f"/proposals/{draft.id}/indicators").get_data(as_text=True)
    assert "ditetapkan oleh perangkat daerah setelah usulan disetujui" in page and "Tambah indikator" not in page
    assert client.post(f"/proposals/{draft.id}/indicators", data=_new()).status_code == 403


def test_the_proposal_and_reports_pages_link_to_the_indicators(client, innovation):
    p = innovation["proposal"]
    login(client, innovation["innovator"])
    for path in (f"/proposals/{p.id}", f"/proposals/{p.id}/reports"):
        assert f'href="/proposals/{p.id}/indicators"' in client.get(path).get_data(as_text=True), path


def test_names_are_escaped(client, make, innovation):
    p = innovation["proposal"]
    login(client, innovation["innovator"])
    client.post(f"/proposals/{p.id}/indicators", data=_new(name="<script>alert(1)</script>"))
    page = client.get(f"/proposals/{p.id}/indicators").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert db.session.scalar(select(func.count()).select_from(ResultIndicator)) == 2
