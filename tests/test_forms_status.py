"""Forms speak alike: every form that fails validation answers 422, re-rendered with the
message beside the field, for a plain POST and for HTMX alike."""
import re

import pytest

from app.auth import tokens
from app.core.extensions import db
from tests.conftest import login
from tests.factories import event, proposal_in, world

LONG = "x" * 6000

# endpoint: (who posts, path from the world, data from the world, id of the field, message beside it)
FORM_ROUTES = {
    "admin.user_new": ("admin", lambda w: "/admin/users/new", lambda w: {"name": "Siti"},
                       lambda w: "email", "Isi alamat email."),
    "admin.user_edit": ("admin", lambda w: f"/admin/users/{w['users']['innovator_b'].id}/edit",
                        lambda w: {"email": "", "name": "Siti", "role": "innovator", "agency_id": w["agency_b"].id},
                        lambda w: "email", "Isi alamat email."),
    "admin.agency_form": ("admin", lambda w: "/admin/agencies/new", lambda w: {"name": "Dinas Baru", "kind": "opd"},
                          lambda w: "code", "Isi kode."),
    "admin.agency_form (edit)": ("admin", lambda w: f"/admin/agencies/{w['agency_b'].id}/edit",
                                 lambda w: {"code": "DISHUB", "name": "", "kind": "opd"}, lambda w: "name", "Isi nama."),
    "admin.cycle_form": ("admin", lambda w: "/admin/cycles/new", lambda w: {"submission_opens": "2030-01-01"},
                         lambda w: "year", "Isi tahun."),
    "admin.cycle_form (edit)": ("admin", lambda w: f"/admin/cycles/{w['cycle'].id}/edit",
                                lambda w: {"year": "1999", "submission_opens": "2030-01-01",
                                           "submission_closes": "2030-12-31", "target_per_agency": "1"},
                                lambda w: "year", "Tahun antara 2000 dan 2100."),
    "admin.agencies_import": ("admin", lambda w: "/admin/agencies/import", lambda w: {},
                              lambda w: "file", "Pilih berkas CSV yang akan diimpor."),
    "admin.agencies_import_confirm": ("admin", lambda w: "/admin/agencies/import/confirm", lambda w: {},
                                      lambda w: "file", "Unggah berkasnya sekali lagi."),
    "auth.forgot_password": ("anonymous", lambda w: "/auth/forgot", lambda w: {"email": ""},
                             lambda w: "email", "Isi alamat email Anda."),
    "auth.set_password": ("anonymous",
                          lambda w: f"/auth/set-password/{tokens.make_token(w['users']['innovator_b'], tokens.INVITE)}",
                          lambda w: {"new_password": "", "confirm_password": ""},
                          lambda w: "new_password", "Isi kata sandi baru."),
    "auth.account": ("innovator_a", lambda w: "/auth/account", lambda w: {},
                     lambda w: "email_frequency", "Pilih cara menerima email pemberitahuan."),
    "auth.login": ("anonymous", lambda w: "/auth/login", lambda w: {"email": "", "password": "x"},
                   lambda w: "email", "Isi alamat email Anda."),
    "auth.change_password": ("innovator_a", lambda w: "/auth/password",
                             lambda w: {"current_password": "", "new_password": "x", "confirm_password": "x"},
                             lambda w: "current_password", "Isi kata sandi Anda yang sekarang."),
    "events.new": ("admin", lambda w: "/events/new", lambda w: {"kind": "coaching"},
                   lambda w: "title", "Isi judul kegiatan."),
    "events.edit": ("admin", lambda w: f"/events/{w['event'].id}/edit",
                    lambda w: {"title": "Klinik", "kind": "coaching", "starts_at": "2030-06-01T09:00",
                               "ends_at": "2030-06-01T08:00", "place": "Aula"},
                    lambda w: "ends_at", "Waktu selesai tidak boleh sebelum waktu mulai."),
    "events.link_proposal": ("admin", lambda w: f"/events/{w['event'].id}/proposals", lambda w: {"proposal_id": "0"},
                             lambda w: "proposal_id", "Pilih usulan."),
    "results.reports": ("innovator_a", lambda w: f"/proposals/{w['earlier'].id}/reports", lambda w: {},
                        lambda w: "status", "Pilih status inovasi tahun ini."),
    "results.report": ("innovator_a", lambda w: f"/proposals/{w['earlier'].id}/reports/{w['cycle'].year}",
                       lambda w: {"status": "stopped"}, lambda w: "reason", "Tuliskan mengapa inovasi ini dihentikan."),
    "results.indicators": ("innovator_a", lambda w: f"/proposals/{w['earlier'].id}/indicators",
                           lambda w: {"new-name": "", "new-unit": "hari"}, lambda w: "new-name", "Isi nama indikator."),
    "results.indicator_edit": ("innovator_a",
                               lambda w: f"/proposals/{w['earlier'].id}/indicators/{w['result_indicator'].id}",
                               lambda w: {f"i{w['result_indicator'].id}-name": "Lama izin",
                                          f"i{w['result_indicator'].id}-unit": "hari",
                                          f"i{w['result_indicator'].id}-baseline": "14",
                                          f"i{w['result_indicator'].id}-target": "abc",
                                          f"i{w['result_indicator'].id}-direction": "down"},
                               lambda w: f"i{w['result_indicator'].id}-target", "Isi angka"),
    "plans.plan": ("innovator_a", lambda w: f"/proposals/{w['designed'].id}/plan",
                   lambda w: {"new-what": "", "new-due_on": "2030-01-01"}, lambda w: "new-what",
                   "Isi apa yang akan dikerjakan."),
    "plans.milestone_edit": ("innovator_a", lambda w: f"/proposals/{w['designed'].id}/plan/{w['milestone'].id}",
                             lambda w: {f"m{w['milestone'].id}-what": "Uji coba", f"m{w['milestone'].id}-due_on": "",
                                        f"m{w['milestone'].id}-version": "1"},
                             lambda w: f"m{w['milestone'].id}-due_on", "Isi tanggal target."),
    "plans.milestone_done": ("innovator_a",
                             lambda w: f"/proposals/{w['designed'].id}/plan/{w['milestone'].id}/done",
                             lambda w: {f"x{w['milestone'].id}-version": "1",
                                        f"x{w['milestone'].id}-attachment_id": str(w["attachment"].id)},
                             lambda w: f"x{w['milestone'].id}-attachment_id", "lampiran usulan ini"),
    "events.close": ("admin", lambda w: f"/events/{w['ended'].id}/close",
                     lambda w: {"ideas": "Ide\n" + "x" * 201}, lambda w: "ideas", "Baris 2 terlalu panjang"),
    "proposals.new": ("innovator_a", lambda w: "/proposals/new", lambda w: {"lab_stage": "drum_up"},
                      lambda w: "title", "Isi judul inovasi."),
    "proposals.edit": ("innovator_a", lambda w: f"/proposals/{w['draft'].id}/edit",
                       lambda w: {"title": "", "lab_stage": "drum_up", "version": str(w["draft"].version)},
                       lambda w: "title", "Isi judul inovasi."),
    "proposals.submit": ("innovator_a", lambda w: f"/proposals/{w['revision'].id}/submit", lambda w: {"note": LONG},
                         lambda w: "note", "Paling banyak"),
    "proposals.withdraw": ("innovator_a", lambda w: f"/proposals/{w['draft'].id}/withdraw", lambda w: {"note": LONG},
                           lambda w: "note", "Paling banyak"),
    "proposals.comments": ("innovator_b", lambda w: f"/proposals/{w['submitted'].id}/comments", lambda w: {},
                           lambda w: "body", "Tulis komentar terlebih dahulu."),
    "proposals.attachments": ("innovator_a", lambda w: f"/proposals/{w['draft'].id}/attachments", lambda w: {},
                              lambda w: "file", "Pilih berkas yang akan diunggah."),
    "reviews.review": ("reviewer", lambda w: f"/proposals/{w['submitted'].id}/review", lambda w: {},
                       lambda w: f"r{w['submitted'].id}-recommendation", "Pilih rekomendasi."),
    "reviews.decision": ("admin", lambda w: f"/proposals/{w['submitted'].id}/decision", lambda w: {},
                         lambda w: f"d{w['submitted'].id}-decision", "Pilih keputusan."),
    "reviews.conflict": ("reviewer", lambda w: f"/proposals/{w['submitted'].id}/conflict",
                         lambda w: {f"c{w['submitted'].id}-reason": LONG},
                         lambda w: f"c{w['submitted'].id}-reason", "Paling banyak"),
    "maturity.claim": ("innovator_a",
                       lambda w: f"/proposals/{w['approved'].id}/maturity/{w['indicator'].id}/claim", lambda w: {},
                       lambda w: f"c{w['indicator'].id}-level", "Pilih level yang diklaim."),
    "maturity.verify": ("reviewer",
                        lambda w: f"/proposals/{w['approved'].id}/maturity/{w['indicator'].id}/verify", lambda w: {},
                        lambda w: f"v{w['indicator'].id}-decision", "Pilih hasil verifikasi."),
    "maturity.indicator_form": ("admin", lambda w: "/admin/maturity/indicators/new", lambda w: {"name": "Baru"},
                                lambda w: "code", "Isi kode indikator."),
    "maturity.indicator_form (edit)": ("admin", lambda w: f"/admin/maturity/indicators/{w['indicator'].id}/edit",
                                       lambda w: {"name": "", "evidence": "Dokumen", "order": "1"},
                                       lambda w: "name", "Isi nama indikator."),
    "maturity.set_import": ("admin", lambda w: "/admin/maturity/sets/import",
                            lambda w: {"year": "2026", "aspect": "innovation", "weight": "74,8"},
                            lambda w: "file", "Pilih berkas CSV yang akan diimpor."),
    "maturity.region_claim": ("admin", lambda w: f"/admin/index/{w['cycle'].year}/region/{w['region_indicator'].id}/claim",
                              lambda w: {}, lambda w: f"r{w['region_indicator'].id}-level", "Pilih level yang diklaim."),
    "maturity.region_verify": ("admin",
                               lambda w: f"/admin/index/{w['cycle'].year}/region/{w['region_indicator'].id}/verify",
                               lambda w: {}, lambda w: f"rv{w['region_indicator'].id}-decision",
                               "Pilih hasil verifikasi."),
    "competitions.competition_form": ("admin", lambda w: "/admin/competitions/new",
                                      lambda w: {"cycle_id": w["cycle"].id, "tracks": "opd"},
                                      lambda w: "name", "Isi nama lomba."),
    "competitions.competition_form (edit)": ("admin", lambda w: f"/admin/competitions/{w['competition'].id}/edit",
                                             lambda w: {"name": w["competition"].name, "tracks": "opd\nSD Negeri!"},
                                             lambda w: "tracks", "Baris 2"),
    "competitions.assign_bulk": ("admin", lambda w: f"/admin/competitions/{w['competition'].id}/assign",
                                 lambda w: {"per_entry": "9"}, lambda w: "per_entry",
                                 "Antara 2 dan 5 penilai per peserta."),
    "competitions.judge": ("admin",
                           lambda w: f"/admin/competitions/{w['competition'].id}/tracks/{w['competition'].tracks[0].id}/judge",
                           lambda w: {f"t{w['competition'].tracks[0].id}-rank_{w['entry'].id}": "9"},
                           lambda w: f"t{w['competition'].tracks[0].id}-rank_{w['entry'].id}", "Peringkat antara 1 dan 1."),
    # A proposal sent back for revision may still enter the contest (the submitted one is entered).
    "competitions.entry": ("innovator_a", lambda w: f"/proposals/{w['revision'].id}/competition", lambda w: {},
                           lambda w: "track_id", "Pilih lomba dan kategorinya."),
    "coaching.coaches": ("admin", lambda w: "/admin/coaches", lambda w: {"coach_id": "0", "agency_ids": w["agency_b"].id},
                         lambda w: "coach_id", "Pilih pendamping."),
    "coaching.session_new": ("reviewer", lambda w: f"/coaching/sessions/new?agency={w['agency_a'].id}",
                             lambda w: {"held_on": "2100-01-01"}, lambda w: "held_on", "paling lambat hari ini"),
    "coaching.session_edit": ("reviewer", lambda w: f"/coaching/sessions/{w['session'].id}/edit",
                              lambda w: {"held_on": ""}, lambda w: "held_on", "Isi tanggal pendampingan."),
    "coaching.add_item": ("reviewer", lambda w: f"/coaching/sessions/{w['session'].id}/items",
                          lambda w: {"items-0-what": "Data awal", "items-0-owner_id": "0"},
                          lambda w: "items-0-owner_id", "pilih penanggung jawab"),
    "coaching.readiness": ("innovator_a", lambda w: "/coaching/readiness", lambda w: {"team_score": "4"},
                           lambda w: "leadership_score", "Pilih nilai 1 sampai 5."),
    "maturity.level_form": ("admin", lambda w: f"/admin/maturity/levels/{w['cycle'].year}/{w['indicator'].id}",
                            lambda w: {"levels-0-description": "Ada", "levels-0-points": "5000"},
                            lambda w: "levels-0-points", "1000"),
}

# POST endpoints that are buttons, not forms a person fills in (a refusal is a flash
# message or a 400/403), 
NOT_FILLED_IN = {
    "auth.logout", "auth.unsubscribe", "main.set_language", "events.register", "events.cancel",
    "events.cancel_event", "events.sign", "events.unlink_proposal", "events.advance_stage", "events.attendance",
    "reviews.vote", "reviews.publish", "reviews.notification_read", "reviews.notifications_read_all",
    "maturity.publish", "maturity.load_indicators", "admin.user_invite", "results.indicator_delete",
    "plans.milestone_delete",
    "competitions.assign_one", "competitions.unassign", "competitions.publish", "competitions.withdraw",
    "coaching.remove_coach", "coaching.mark_item",
}


@pytest.fixture
def form_world(app_ctx):
    w = world()
    w["revision"] = proposal_in("revision_requested", agency_=w["agency_a"], author=w["users"]["innovator_a"])
    w["ended"] = event(days_ahead=-1)
    db.session.commit()
    return w


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("name", sorted(FORM_ROUTES))
def test_an_invalid_form_answers_422_with_the_message_beside_the_field(client, form_world, name, htmx):
    role, path_of, data_of, field_of, message = FORM_ROUTES[name]
    w = form_world
    if role != "anonymous":
        login(client, w["users"][role])
    response = client.post(path_of(w), data=data_of(w), headers={"HX-Request": "true"} if htmx else {})
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[:300]
    beside = re.search(rf'<p class="error-message" id="{re.escape(field_of(w))}-error">(.*?)</p>', html, re.S)
    assert beside is not None, f"no message beside {field_of(w)}"
    assert message in beside.group(1)


def test_every_form_route_is_in_the_table(app):
    """A POST route added later is either a form checked above or a button named here."""
    posted = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    checked = {name.split(" ")[0] for name in FORM_ROUTES}
    assert posted - checked - NOT_FILLED_IN == set()
