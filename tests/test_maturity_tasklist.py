"""The evidence page as a task list (issue 16, point 5): the overview of the indicators with
each one's state, one page per indicator, and a claim form with no level chosen for the person."""
import io
import re

import pytest

from app.core.extensions import db
from app.maturity import services
from app.models import Claim
from tests import factories
from tests.conftest import login

HX = {"HX-Request": "true"}


@pytest.fixture
def setting(make):
    cycle = make.cycle()
    services.load_indicators()
    agency = make.agency(name="Dinas Kesehatan Uji")
    innovator = factories.user("innovator", agency_=agency)
    proposal = factories.proposal_in("implemented", agency_=agency, author=innovator, cycle_=cycle,
                                     title="Posyandu Digital")
    evidence = factories.attachment(proposal, name="sk-kepala-dinas.pdf")
    reviewer = factories.user("reviewer", name="Penilai Teliti")
    db.session.commit()
    return {"cycle": cycle, "proposal": proposal, "innovator": innovator, "reviewer": reviewer,
            "evidence": evidence, "indicators": services.scale_for(cycle).indicators}


def task_items(html: str) -> dict[int, str]:
    """The task list's items by indicator id."""
    return {int(number): body for number, body in
            re.findall(r'<li class="task-list__item" id="task-(\d+)">(.*?)</li>', html, re.DOTALL)}


def status_of(item: str) -> str:
    found = re.search(r'class="task-list__status"[^>]*><strong class="tag tag--claim-(\w+)">([^<]+)</strong>', item)
    assert found, item
    return f"{found.group(1)}: {found.group(2).strip()}"


def level_radios(html: str, indicator_id: int) -> list[str]:
    return re.findall(rf'<input[^>]*name="c{indicator_id}-level"[^>]*>', html)


def test_the_overview_is_a_task_list_of_every_indicator_with_its_state_and_a_count(client, setting):
    p, (a, b, c, d, *rest) = setting["proposal"], setting["indicators"]
    factories.claim(p, a, 2, attachment=setting["evidence"])
    factories.claim(p, b, 3, status="accepted", verified_level=3, verified_points=3, verifier=setting["reviewer"])
    factories.claim(p, c, 3, status="downgraded", verified_level=1, verified_points=1, reason="Baru SK.",
                    verifier=setting["reviewer"])
    factories.claim(p, d, 2, status="needs_evidence", reason="Lampirkan perwali.", verifier=setting["reviewer"])
    db.session.commit()
    login(client, setting["innovator"])
    response = client.get(f"/proposals/{p.id}/maturity")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    items = task_items(html)
    assert list(items) == [indicator.id for indicator in setting["indicators"]]  # in the scale's order
    # Every state as a tag with its text, never colour alone.
    assert status_of(items[a.id]) == "pending: Menunggu verifikasi"
    assert status_of(items[b.id]) == "accepted: Terverifikasi"
    assert status_of(items[c.id]) == "downgraded: Diturunkan"
    assert status_of(items[d.id]) == "needs_evidence: Perlu bukti lebih baik"
    assert {status_of(items[i.id]) for i in rest} == {"missing: Belum dimulai"}
    # Each name links to its own page and is described by its state.
    for indicator in setting["indicators"]:
        link = re.search(r'<a class="task-list__link" href="([^"]+)"\s+aria-describedby="([^"]+)">([^<]+)</a>',
                         items[indicator.id])
        assert link.group(1) == f"/proposals/{p.id}/maturity/{indicator.id}"
        assert f"task-{indicator.id}-status" in link.group(2).split()
        assert link.group(3) == indicator.name
    assert "Diklaim level 3, diverifikasi level 1" in items[c.id] and "Level 3 terverifikasi" in items[b.id]
    # Completed means verified, at the claimed level or a lower one.
    assert "2 dari 20 indikator selesai" in html
    # The forms live on the indicators' pages, not on the overview.
    assert "Simpan klaim" not in html and "<form" not in html.split('<main', 1)[1].split("</main>", 1)[0]


def test_the_count_and_states_read_in_english(client, setting):
    p, a = setting["proposal"], setting["indicators"][0]
    factories.claim(p, a, 3, status="accepted", verified_level=3, verified_points=3, verifier=setting["reviewer"])
    db.session.commit()
    login(client, setting["innovator"])
    client.post("/language", data={"lang": "en"})
    html = client.get(f"/proposals/{p.id}/maturity").get_data(as_text=True)
    assert "1 of 20 indicators completed" in html
    assert ">Verified</strong>" in html and ">Not started</strong>" in html


def test_each_indicator_opens_on_its_own_page(client, setting):
    p, (first, second, third) = setting["proposal"], setting["indicators"][:3]
    factories.claim(p, second, 3, status="downgraded", verified_level=2, verified_points=2,
                    reason="Perwali belum diundangkan.", verifier=setting["reviewer"], note="Halaman 4")
    db.session.commit()
    login(client, setting["innovator"])
    response = client.get(f"/proposals/{p.id}/maturity/{second.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL).group(1)
    assert second.name in heading and "Diturunkan" in heading
    assert second.evidence in html and "Perwali belum diundangkan." in html and "Halaman 4" in html
    assert "Indikator 2 dari 20" in html
    assert f'href="/proposals/{p.id}/maturity#task-{second.id}"' in html  # back to the task list
    assert f'href="/proposals/{p.id}/maturity/{first.id}" rel="prev"' in html
    assert f'href="/proposals/{p.id}/maturity/{third.id}" rel="next"' in html
    assert 'id="maturity-summary"' in html  # the target of the score sent out of band after a swap
    # The first has no claim yet: it says so.
    assert "Belum ada bukti untuk indikator ini." in client.get(f"/proposals/{p.id}/maturity/{first.id}").get_data(
        as_text=True)


def test_an_indicator_outside_the_cycle_or_unknown_is_not_found(client, setting):
    p = setting["proposal"]
    retired = factories.indicator(active=False)
    db.session.commit()
    login(client, setting["innovator"])
    assert client.get(f"/proposals/{p.id}/maturity/{retired.id}").status_code == 404
    assert client.get(f"/proposals/{p.id}/maturity/999999").status_code == 404
    assert client.get(f"/proposals/999999/maturity/{setting['indicators'][0].id}").status_code == 404


@pytest.mark.parametrize("claimed", [False, True], ids=["first_claim", "changing_a_claim"])
def test_no_level_is_preselected_in_the_claim_form(client, setting, claimed):
    p, a = setting["proposal"], setting["indicators"][0]
    if claimed:
        factories.claim(p, a, 2, attachment=setting["evidence"])
        db.session.commit()
    login(client, setting["innovator"])
    html = client.get(f"/proposals/{p.id}/maturity/{a.id}").get_data(as_text=True)
    radios = level_radios(html, a.id)
    assert len(radios) == 3 and all('type="radio"' in radio for radio in radios)
    assert not any("checked" in radio for radio in radios)
    assert '<option selected value="0">' not in html.split(f'id="c{a.id}-level"', 1)[1][:400]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_claim_without_a_level_answers_422_with_the_message_beside_the_field(client, setting, htmx):
    p, a = setting["proposal"], setting["indicators"][0]
    login(client, setting["innovator"])
    response = client.post(f"/proposals/{p.id}/maturity/{a.id}/claim", headers=HX if htmx else {},
                           data={f"c{a.id}-attachment_id": str(setting["evidence"].id), f"c{a.id}-note": "Hal. 2"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    beside = re.search(rf'<p class="error-message" id="c{a.id}-level-error">(.*?)</p>', html, re.DOTALL)
    assert beside and "Pilih level yang diklaim." in beside.group(1)
    assert re.search(rf'<fieldset class="form-group form-group--error" id="c{a.id}-level"\s+aria-describedby="c{a.id}-level-error">', html)
    assert ("<html" in html) is not htmx
    assert not any("checked" in radio for radio in level_radios(html, a.id))
    assert "Hal. 2" in html  # what was typed is kept
    assert db.session.query(Claim).count() == 0


@pytest.mark.parametrize("level", ["7", "0", "dua"])
def test_a_level_that_is_not_offered_is_refused_beside_the_field(client, setting, level):
    p, a = setting["proposal"], setting["indicators"][0]
    login(client, setting["innovator"])
    response = client.post(f"/proposals/{p.id}/maturity/{a.id}/claim", data={
        f"c{a.id}-level": level, f"c{a.id}-attachment_id": str(setting["evidence"].id)})
    assert response.status_code == 422
    assert re.search(rf'<p class="error-message" id="c{a.id}-level-error">', response.get_data(as_text=True))
    assert db.session.query(Claim).count() == 0


def test_a_saved_claim_returns_to_the_task_list_at_its_indicator(client, setting):
    p, a = setting["proposal"], setting["indicators"][0]
    login(client, setting["innovator"])
    response = client.post(f"/proposals/{p.id}/maturity/{a.id}/claim", data={
        f"c{a.id}-level": "2", f"c{a.id}-file": (io.BytesIO(factories.PDF_BYTES), "perwali.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/proposals/{p.id}/maturity#task-{a.id}")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert status_of(task_items(html)[a.id]) == "pending: Menunggu verifikasi"
    assert "disimpan dan menunggu verifikasi" in html  # the flash message


def test_an_htmx_verdict_on_the_indicator_page_swaps_its_panel_and_the_score(client, setting):
    p, a = setting["proposal"], setting["indicators"][0]
    factories.claim(p, a, 3, attachment=setting["evidence"])
    db.session.commit()
    login(client, setting["reviewer"])
    page = client.get(f"/proposals/{p.id}/maturity/{a.id}").get_data(as_text=True)
    assert f'hx-target="#indicator-row-{a.id}"' in page and f'id="indicator-row-{a.id}"' in page
    response = client.post(f"/proposals/{p.id}/maturity/{a.id}/verify", headers=HX,
                           data={f"v{a.id}-decision": "accept"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Terverifikasi" in re.search(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL).group(1)
    assert 'id="maturity-summary"' in html and 'hx-swap-oob="true"' in html


def test_who_sees_which_form_on_the_indicator_page(client, setting):
    p, a = setting["proposal"], setting["indicators"][0]
    factories.claim(p, a, 2, attachment=setting["evidence"])
    colleague = factories.user("innovator", agency_=p.agency)
    outsider = factories.user("innovator")
    own_reviewer = factories.user("reviewer", agency_=p.agency)
    admin = factories.user("admin")
    db.session.commit()
    url = f"/proposals/{p.id}/maturity/{a.id}"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    expected = {colleague: (True, False), outsider: (False, False), own_reviewer: (True, False),
                setting["reviewer"]: (False, True), admin: (False, True)}
    for person, (claims, verifies) in expected.items():
        login(client, person)
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert ("Simpan klaim" in html) is claims, person.role
        assert ("Simpan verifikasi" in html) is verifies, person.role
        client.post("/auth/logout")
