"""`flask --app wsgi send-reminders` (DESIGN §11): the due reminders of each feature, sent once
under a unique key, in the app and by e-mail as each person chose (immediate, daily or weekly
digest, none); the digests; the unsubscribe link; the account page where the choice is made.

Time is frozen at 10:00 in the city (03:00 UTC) of the day named, unless a test says otherwise."""
import re
import threading
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from app.core import signals
from app.core.cycles import city_today
from app.core.extensions import db
from app.core.messages import stored
from app.models import AuditEntry, Notification, ReminderSent, User
from app.notifications import reminders
from app.notifications import services as notifications
from app.notifications import unsubscribe
from tests import factories
from tests.conftest import is_postgres, login

SITE = "apusida.example"
CLOSES = date(2026, 6, 30)  # a Tuesday


def at(day: str, clock: str = "03:00"):
    """Freeze the clock at `clock` UTC of `day` (03:00 UTC is 10:00 WIB)."""
    return freeze_time(f"{day} {clock}:00")


@pytest.fixture
def site(app, monkeypatch):
    """The app serving apusida.example over https: e-mails link there."""
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", [SITE])
    monkeypatch.setitem(app.config, "PREFERRED_URL_SCHEME", "https")


@pytest.fixture
def runner(app, site):
    cli = app.test_cli_runner()

    def run(*args):
        result = cli.invoke(args=["send-reminders", *args])
        assert result.exit_code == 0, result.output
        return result.output
    return run


def notes_for(user, containing: str = "") -> list[Notification]:
    db.session.expire_all()
    return [note for note in db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                                .order_by(Notification.id)) if containing in note.message]


def this_cycle(**fields):
    return factories.cycle(year=2026, submission_opens=date(2026, 1, 1), submission_closes=CLOSES, **fields)


def parsed(envelope):
    return message_from_bytes(envelope.content, policy=policy.default)


def body_of(envelope) -> str:
    return parsed(envelope).get_content().replace("\r\n", "\n")


# --- agencies below target ---------------------------------------------------------

def test_agencies_below_target_hear_it_seven_days_and_one_day_before_closing_only(app_ctx, runner, smtp):
    with at("2026-06-20"):
        this_cycle(target_per_agency=1)
        lagging = factories.agency(name="Dinas Tertinggal")
        member, colleague = factories.user(agency_=lagging), factories.user(agency_=lagging)
        gone = factories.user(agency_=lagging, active=False)
        factories.proposal(agency_=lagging, author=member)  # a draft does not count
        done = factories.agency(name="Dinas Tepat Target")
        on_target = factories.user(agency_=done)
        factories.submitted(agency_=done, author=on_target)
        db.session.commit()

    with at("2026-06-22"):  # 8 days before
        assert "Sent 0" in runner()
    with at("2026-06-23"):  # 7 days before
        output = runner()
        assert "below-target: 1" in output and "Sent 1 for 2026-06-23" in output
    for person in (member, colleague):
        (note,) = notes_for(person, "Pengingat")
        assert note.message == ("Pengingat: Dinas Tertinggal baru mengajukan 0 dari target 1 inovasi siklus 2026. "
                                "Pengajuan ditutup seminggu lagi, 30 Juni 2026.")
        assert note.link == "/dashboard"
    assert notes_for(gone) == [] and notes_for(on_target) == []
    # Immediate e-mail (everyone's default): one message each, with the link to the page.
    assert sorted(envelope.rcpt_tos[0] for envelope in smtp.messages) == sorted([member.email, colleague.email])
    assert all(f"https://{SITE}/dashboard" in body_of(envelope) for envelope in smtp.messages)

    with at("2026-06-23", "09:00"):  # a second run the same day sends nothing new
        assert "Sent 0" in runner()
    with at("2026-06-24"):  # 6 days before: nothing
        assert "Sent 0" in runner()
    assert len(notes_for(member)) == 1 and len(smtp.messages) == 2
    with at("2026-06-29"):  # 1 day before
        assert "below-target: 1" in runner()
        assert "Sent 0" in runner()
    assert [note.message.split(". ")[-1] for note in notes_for(member)] == [
        "Pengajuan ditutup seminggu lagi, 30 Juni 2026.", "Pengajuan ditutup besok, 30 Juni 2026."]
    assert notes_for(on_target) == [] and notes_for(gone) == []
    assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 2


def test_a_closed_cycle_or_a_target_of_zero_reminds_nobody(app_ctx, runner):
    with at("2026-06-20"):
        this_cycle(target_per_agency=0)
        factories.cycle(year=2025, submission_opens=date(2025, 1, 1), submission_closes=date(2026, 6, 30), closed=True)
        lagging = factories.user()
        db.session.commit()
    with at("2026-06-23"):
        assert "Sent 0" in runner()
    assert notes_for(lagging) == []


def test_the_reminder_reads_in_the_readers_language(client, app_ctx):
    with at("2026-06-20"):
        this_cycle(target_per_agency=2)
        member = factories.user(agency_=factories.agency(name="Dinas Bahasa"))
        db.session.commit()
    with at("2026-06-29"):
        assert reminders.run().sent == {"below-target": 1}
        login(client, member)
        client.post("/language", data={"lang": "en"})
        page = client.get("/notifications").get_data(as_text=True)
    assert "Dinas Bahasa has submitted 0 of its target of 2 innovations" in page
    assert "June 30, 2026" in page


# --- competition reviews -------------------------------------------------------------

def test_reviewers_hear_of_waiting_reviews_when_due_soon_and_once_more_when_overdue(app_ctx, runner):
    with at("2026-06-10"):
        this_cycle()
        contest = factories.competition(name="Lomba Inovasi Kota", entry_days=1, review_days=5)  # due 15 June
        entries = [factories.entry(contest, factories.submitted()) for _ in range(3)]
        busy, finished = factories.user("reviewer"), factories.user("reviewer")
        retired = factories.user("reviewer", active=False)
        for entry in entries:
            factories.assignment(entry, busy)
        factories.review(entries[2].proposal, reviewer=busy)  # one of three done: two wait
        factories.assignment(entries[0], finished)
        factories.review(entries[0].proposal, reviewer=finished)
        factories.assignment(entries[1], retired)
        db.session.commit()

    with at("2026-06-12"):  # 3 days left
        assert "Sent 0" in runner()
    with at("2026-06-13"):  # 2 days left: due soon
        assert "review-due: 1" in runner()
    with at("2026-06-15"):  # the deadline itself: still "due soon", already sent
        assert "Sent 0" in runner()
    (soon,) = notes_for(busy)
    assert soon.message == ("Pengingat: usulan pada Lomba Inovasi Kota yang menunggu penilaian Anda: 2. "
                            "Batas penilaian 15 Juni 2026.")
    assert soon.link == "/proposals/review-queue"
    with at("2026-06-16"):  # overdue
        assert "review-overdue: 1" in runner()
    with at("2026-06-17"):
        assert "Sent 0" in runner()
    assert [note.message.split(" ")[0] for note in notes_for(busy)] == ["Pengingat:", "Batas"]
    assert "sudah lewat (15 Juni 2026)" in notes_for(busy)[1].message
    assert notes_for(finished) == [] and notes_for(retired) == []


def test_a_decided_entry_or_a_declared_conflict_no_longer_waits(app_ctx, runner):
    from app.models import ConflictDeclaration

    with at("2026-06-10"):
        this_cycle()
        contest = factories.competition(entry_days=1, review_days=2)
        decided = factories.entry(contest, factories.submitted(status="approved"))
        conflicted = factories.entry(contest, factories.submitted())
        reviewer = factories.user("reviewer")
        factories.assignment(decided, reviewer)
        factories.assignment(conflicted, reviewer)
        db.session.add(ConflictDeclaration(proposal_id=conflicted.proposal_id, reviewer_id=reviewer.id, reason="Kerabat"))
        db.session.commit()
    with at("2026-06-11"):
        assert "Sent 0" in runner()
    assert notes_for(reviewer) == []


# --- yearly reports ------------------------------------------------------------------

def test_agencies_missing_a_yearly_report_hear_it_before_the_deadline_and_once_late(app_ctx, runner):
    with at("2026-06-01"):
        this_cycle()
        late_agency = factories.agency(name="Dinas Lupa Lapor")
        member = factories.user(agency_=late_agency)
        first = factories.earlier_innovation(agency_=late_agency, author=member)
        factories.earlier_innovation(status="implemented", agency_=late_agency, author=member)
        single = factories.agency(name="Dinas Satu Laporan")
        single_member = factories.user(agency_=single)
        owing = factories.earlier_innovation(agency_=single, author=single_member)
        diligent = factories.agency(name="Dinas Rajin")
        reporter = factories.user(agency_=diligent)
        factories.yearly_report(factories.earlier_innovation(agency_=diligent, author=reporter))
        db.session.commit()

    with at("2026-06-23"):  # 7 days before the window closes
        assert "report-due: 2" in runner()
    (due,) = notes_for(member, "laporan tahunan")
    assert due.message == ("Pengingat: laporan tahunan 2026 belum diisi untuk 2 inovasi Dinas Lupa Lapor. "
                           "Batasnya 30 Juni 2026.")
    assert due.link == "/dashboard"
    assert notes_for(single_member, "laporan tahunan")[0].link == f"/proposals/{owing.id}/reports"
    assert notes_for(reporter, "laporan tahunan") == []

    with at("2026-06-29"):
        runner()
    with at("2026-07-01"):  # late
        assert "report-late: 2" in runner()
        assert "Sent 0" in runner()
    with at("2026-07-08"):
        assert "Sent 0" in runner()
    assert [note.message.split(" ")[0] for note in notes_for(member, "aporan tahunan")] == ["Pengingat:", "Laporan"]
    assert "terlambat" in notes_for(member, "aporan tahunan")[1].message
    assert first.id  # the two innovations are counted in one reminder, not one each


# --- the collection and its failures ---------------------------------------------------

def test_a_failing_feature_is_logged_and_the_others_are_sent(app_ctx, runner, caplog, monkeypatch):
    monkeypatch.setattr(reminders.log, "disabled", False)
    person = factories.user()
    db.session.commit()

    def broken(today, **extra):
        raise RuntimeError("broken feature")

    def working(today, **extra):
        return [signals.Reminder(f"test-kind:{today.isoformat()}", [person], stored("Pesan uji %(n)d.", n=1), "/x")]

    class Unwritable:
        def __str__(self):
            raise RuntimeError("cannot be written")

    def refused(today, **extra):  # fails after its key was claimed: the claim is rolled back with it
        return [signals.Reminder("test-broken:1", [person], Unwritable(), "/y")]

    with signals.reminders_due.connected_to(broken), signals.reminders_due.connected_to(working), \
            signals.reminders_due.connected_to(refused):
        output = runner()
    assert "test-kind: 1" in output and "2 failed" in output
    assert [note.message for note in notes_for(person)] == ["Pesan uji 1."]
    assert "broken feature" in caplog.text and "test-broken:1" in caplog.text
    assert db.session.scalar(select(ReminderSent.key).where(ReminderSent.key == "test-broken:1")) is None


def test_a_reminder_to_nobody_active_claims_no_key(app_ctx):
    gone = factories.user(active=False)
    outcome = reminders.Outcome()
    with signals.reminders_due.connected_to(
            lambda today, **extra: [signals.Reminder("nobody:1", [gone], stored("Tidak ada."), "")]):
        reminders.send_reminders(date(2026, 6, 1), outcome)
    assert outcome.total == 0 and db.session.scalar(select(func.count()).select_from(ReminderSent)) == 0


@pytest.mark.postgres
@pytest.mark.committing
@pytest.mark.skipif(not is_postgres(), reason="two servers at once need PostgreSQL (DATABASE_URL): SQLite "
                                              "allows one writer at a time, so nothing would race")
def test_two_runs_at_the_same_moment_send_each_reminder_exactly_once(app, smtp, site):
    today = city_today()
    with app.app_context():
        factories.cycle(year=today.year + 1, submission_opens=today, submission_closes=today + timedelta(days=7))
        members = []
        for n in range(12):
            agency = factories.agency(name=f"Dinas Balapan {n}")
            members += [factories.user(agency_=agency), factories.user(agency_=agency)]
        daily = factories.user("reviewer", email_frequency="daily")  # of no agency: no reminder of its own
        for n in range(3):
            db.session.add(Notification(user_id=daily.id, message=f"Kemarin {n}", link=f"/proposals/{n}",
                                        created_at=datetime.now() - timedelta(days=1)))
        member_ids, daily_id = [user.id for user in members], daily.id
        db.session.commit()
        db.session.remove()

    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def server():
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                outcomes.append(reminders.run(today))
                db.session.remove()
        except BaseException as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)

    threads = [threading.Thread(target=server) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sum(outcome.failed for outcome in outcomes) == 0
    assert sum(outcome.sent["below-target"] for outcome in outcomes) == 12
    assert sum(outcome.sent["digest-daily"] for outcome in outcomes) == 1
    with app.app_context():
        keys = db.session.scalars(select(ReminderSent.key)).all()
        assert len(keys) == len(set(keys)) == 13
        counts = dict(db.session.execute(select(Notification.user_id, func.count()).group_by(Notification.user_id)).all())
        assert all(counts.get(user_id) == 1 for user_id in member_ids)
        db.session.remove()
    recipients = sorted(address for envelope in smtp.messages for address in envelope.rcpt_tos)
    with app.app_context():
        expected = sorted(db.session.scalars(select(User.email).where(User.id.in_([*member_ids, daily_id]))))
        db.session.remove()
    assert recipients == expected  # each person mailed once: the 24 reminders and the one digest


# --- digests ---------------------------------------------------------------------------

def test_a_weekly_digest_is_one_email_with_all_the_weeks_notifications_and_their_links(app_ctx, runner, smtp):
    weekly = factories.user(name="Sari Mingguan", email_frequency="weekly")
    db.session.commit()
    moments = {  # UTC; WIB is 7 hours ahead
        "before the week": ("2026-06-21", "16:00"),  # Sunday 23:00 WIB
        "Monday early": ("2026-06-21", "20:00"),  # Monday 03:00 WIB
        "Wednesday": ("2026-06-24", "05:00"),
        "Sunday late": ("2026-06-28", "16:30"),  # Sunday 23:30 WIB
        "this week": ("2026-06-28", "17:30"),  # Monday 00:30 WIB
    }
    for n, (name, (day, clock)) in enumerate(moments.items()):
        with at(day, clock):
            notifications.notify([weekly], stored("Kabar %(name)s.", name=name), f"/proposals/{n + 1}")
            db.session.commit()
    assert smtp.messages == []  # nothing at once for a weekly reader

    with at("2026-06-29"):  # Monday
        assert "digest-weekly: 1" in runner()
        assert "Sent 0" in runner()
    (envelope,) = smtp.messages
    assert envelope.rcpt_tos == [weekly.email]
    message = parsed(envelope)
    assert message["Subject"] == "Apusida: 3 pemberitahuan, pekan 22 Juni 2026 sampai 28 Juni 2026"
    body = body_of(envelope)
    for n, name in ((2, "Monday early"), (3, "Wednesday"), (4, "Sunday late")):
        assert f"Kabar {name}." in body and f"https://{SITE}/proposals/{n}\n" in body
    assert "before the week" not in body and "this week" not in body
    assert body.index("Monday early") < body.index("Wednesday") < body.index("Sunday late")
    with at("2026-06-30"):
        assert "Sent 0" in runner()
    mailed = [note.mailed_at is not None for note in notes_for(weekly)]
    assert mailed == [False, True, True, True, False]


def test_a_weekly_digest_missed_on_monday_goes_with_the_next_run_of_the_week(app_ctx, runner, smtp):
    weekly = factories.user(email_frequency="weekly")
    with at("2026-06-24"):
        notifications.notify([weekly], "Kabar pekan lalu.", "/proposals/1")
        db.session.commit()
    with at("2026-07-01"):  # Wednesday of the next week
        assert "digest-weekly: 1" in runner()
    assert len(smtp.messages) == 1


def test_a_daily_digest_holds_the_day_before_and_each_day_once(app_ctx, runner, smtp):
    daily = factories.user(email_frequency="daily")
    db.session.commit()
    for day, text in (("2026-06-22", "Senin"), ("2026-06-23", "Selasa")):
        with at(day):
            notifications.notify([daily], f"Kabar {text}.", "/notifications")
            db.session.commit()
    assert smtp.messages == []
    with at("2026-06-23", "23:00"):  # 06:00 WIB on Wednesday
        assert "digest-daily: 1" in runner()
        assert "Sent 0" in runner()
    (envelope,) = smtp.messages
    body = body_of(envelope)
    assert parsed(envelope)["Subject"] == "Apusida: 1 pemberitahuan, tanggal 23 Juni 2026"
    assert "Kabar Selasa." in body and "Kabar Senin." not in body  # Monday's was Tuesday's digest, never sent
    assert f"https://{SITE}/notifications" in body


def test_immediate_stays_immediate_and_none_sends_nothing(app_ctx, runner, smtp):
    at_once = factories.user()
    quiet = factories.user(email_frequency="none")
    db.session.commit()
    with at("2026-06-22"):
        notifications.notify([at_once, quiet], "Kabar untuk berdua.", "/proposals/9")
        db.session.commit()
    assert [envelope.rcpt_tos for envelope in smtp.messages] == [[at_once.email]]
    with at("2026-06-29"):
        assert "Sent 0" in runner()
    assert len(smtp.messages) == 1
    assert len(notes_for(quiet)) == 1  # the bell has it all the same


def test_without_mail_there_are_no_digests_and_the_notifications_wait(app_ctx, runner):
    daily = factories.user(email_frequency="daily")
    with at("2026-06-22"):
        notifications.notify([daily], "Kabar tanpa email.")
        db.session.commit()
    with at("2026-06-23"):
        assert "Sent 0" in runner()
    assert notes_for(daily)[0].mailed_at is None


# --- unsubscribe -----------------------------------------------------------------------

def unsubscribe_path(envelope) -> str:
    header = parsed(envelope)["List-Unsubscribe"]
    link = re.fullmatch(r"<(https://apusida\.example(/auth/unsubscribe/[^>]+))>", header)
    assert link is not None, header
    assert link.group(1) in body_of(envelope)
    return link.group(2)


def test_the_unsubscribe_link_works_logged_out_and_its_get_changes_nothing(app, client, app_ctx, smtp, site):
    person = factories.user(name="Budi Berhenti")
    db.session.commit()
    notifications.notify([person], "Kabar apa saja.", "/proposals/1")
    db.session.commit()
    path = unsubscribe_path(smtp.messages[0])
    assert f"https://{SITE}/auth/account" in body_of(smtp.messages[0])

    page = client.get(path, base_url=f"https://{SITE}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Budi Berhenti" in html and "Berhenti menerima email</button>" in html
    assert "no-store" in page.headers["Cache-Control"]
    db.session.expire_all()
    assert db.session.get(User, person.id).email_frequency == "immediate"

    response = client.post(path, base_url=f"https://{SITE}")
    assert response.status_code == 302 and response.headers["Location"].endswith(path)
    db.session.expire_all()
    assert db.session.get(User, person.id).email_frequency == "none"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "email_frequency_changed"))
    assert entry.actor_id == person.id and entry.details == {"old": "immediate", "new": "none"}
    after = client.get(path, base_url=f"https://{SITE}").get_data(as_text=True)
    assert "tidak menerima email pemberitahuan" in after and "</button>" not in after.split("<main")[1].split("</main>")[0]

    notifications.notify([person], "Kabar sesudahnya.")
    db.session.commit()
    assert len(smtp.messages) == 1


def test_the_unsubscribe_post_needs_its_csrf_token(csrf_client, make):
    person = make.user()
    db.session.commit()
    path = unsubscribe.PATH + unsubscribe.make_token(person)
    assert csrf_client.post(path).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, person.id).email_frequency == "immediate"
    html = csrf_client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert csrf_client.post(path, data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).email_frequency == "none"


def test_an_expired_tampered_or_outdated_unsubscribe_link_is_refused_with_a_page(client, make):
    person = make.user()
    db.session.commit()
    with at("2026-01-01"):
        token = unsubscribe.make_token(person)
    for when, link in (("2026-03-01", token),  # 59 days: still good
                       ("2026-03-03", token),  # 61 days: expired
                       ("2026-01-02", token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")),
                       ("2026-01-02", "not-a-token")):
        with at(when):
            response = client.get(unsubscribe.PATH + link)
            if when == "2026-03-01":
                assert response.status_code == 200
                continue
            posted = client.post(unsubscribe.PATH + link)
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and posted.status_code == 400
        assert "Tautan berhenti berlangganan ini tidak berlaku" in html and "60 hari" in html
    db.session.expire_all()
    assert db.session.get(User, person.id).email_frequency == "immediate"
    person.email = "alamat.baru@example.com"  # a link mailed to the old address stops working
    db.session.commit()
    assert client.get(unsubscribe.PATH + unsubscribe.make_token(person)).status_code == 200
    with at("2026-01-02"):
        assert client.get(unsubscribe.PATH + token).status_code == 400


# --- the account page -------------------------------------------------------------------

def test_the_account_page_shows_the_person_and_saves_the_email_choice(client, login_as):
    person = login_as("innovator", name="Rina Akun")
    html = client.get("/auth/account").get_data(as_text=True)
    assert "Rina Akun" in html and person.email in html and person.agency.name in html and "Inovator" in html
    assert 'href="/auth/password"' in html
    assert re.search(r'<input checked[^>]*value="immediate"|<input[^>]*value="immediate"[^>]*checked', html)
    assert '<a href="/auth/account" aria-current="page">Rina Akun</a>' in html  # the header's name links here
    response = client.post("/auth/account", data={"email_frequency": "weekly"})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/account"
    db.session.expire_all()
    assert db.session.get(User, person.id).email_frequency == "weekly"
    assert "Pilihan email disimpan: Ringkasan mingguan." in client.get("/auth/account").get_data(as_text=True)
    refused = client.post("/auth/account", data={"email_frequency": "hourly"})
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, person.id).email_frequency == "weekly"


def test_the_database_refuses_an_unknown_email_choice(app_ctx):
    from sqlalchemy.exc import IntegrityError

    person = factories.user()
    person.email_frequency = "hourly"
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_missed_day_can_be_sent_afterwards_with_date(app_ctx, runner):
    with at("2026-06-20"):
        this_cycle()
        member = factories.user()
        db.session.commit()
    with at("2026-06-25"):  # the run of the 23rd was missed
        assert "Sent 0" in runner()
        assert "below-target: 1" in runner("--date", "2026-06-23")
    assert "seminggu lagi" in notes_for(member)[0].message


# --- overdue action items (the coaching feature's receiver) -----------------------------------

def test_owners_of_overdue_action_items_hear_it_once_and_again_only_for_a_new_due_date(app_ctx, runner, smtp):
    with at("2026-06-10"):
        this_cycle()
        agency = factories.agency(code="DINKES", name="Dinas Kesehatan")
        owner, coach = factories.user(agency_=agency), factories.user("reviewer")
        session = factories.coaching_session(agency, coach, held_on=date(2026, 6, 1))
        late = factories.action_item(session, owner, what="Kumpulkan data antrean", due=date(2026, 6, 11))
        factories.action_item(session, owner, what="Sudah beres", due=date(2026, 6, 11), done=True)
        factories.action_item(session, coach, what="Belum waktunya", due=date(2026, 6, 20))
        db.session.commit()

    with at("2026-06-11"):  # due today: not yet overdue
        assert "action-overdue" not in runner()
    with at("2026-06-12"):
        assert "action-overdue: 1" in runner()
    with at("2026-06-13"):  # run twice, on later days too: nothing new
        assert "Sent 0" in runner()
        assert "Sent 0" in runner()
    (note,) = notes_for(owner, "Kumpulkan data antrean")
    assert note.message == ("Tindak lanjut \u201cKumpulkan data antrean\u201d dari pendampingan Dinas Kesehatan "
                            "lewat tenggat 11 Juni 2026. Tandai selesai bila sudah dikerjakan.")
    assert note.link == f"/coaching/sessions/{session.id}"
    assert notes_for(coach) == [] and notes_for(owner, "Sudah beres") == []
    assert len([m for m in smtp.messages if owner.email in m.rcpt_tos]) == 1
    # The coach moves the due date: once it passes too, the owner is reminded again.
    db.session.get(type(late), late.id).due_on = date(2026, 6, 15)
    db.session.commit()
    with at("2026-06-16"):
        assert "action-overdue: 1" in runner()
    assert len(notes_for(owner, "Kumpulkan data antrean")) == 2


def test_on_the_demo_data_reminders_go_once_and_a_weekly_digest_is_one_email(app_ctx, runner, smtp):
    """Issue 20's done-when on the demo data: send-reminders run twice sends each due reminder
    once (the demo's overdue action item among them), and a weekly reader's week arrives as one e-mail."""
    from app import demo

    demo.load()
    db.session.commit()
    first = runner()
    assert "action-overdue: 1" in first
    assert "Sent 0" in runner()
    agus = db.session.scalar(select(User).where(User.email == "inovator@demo.apusida.id"))
    agus.email_frequency = "weekly"
    db.session.commit()
    before = len(smtp.messages)
    for title in ("Kabar pertama pekan ini.", "Kabar kedua pekan ini."):
        notifications.notify([agus], stored(title), "/dashboard")
    db.session.commit()
    assert len(smtp.messages) == before  # a weekly reader gets nothing at once
    today = city_today()
    next_monday = today + timedelta(days=7 - today.weekday())
    with at(next_monday.isoformat()):
        assert "digest-weekly: 1" in runner()
        assert "Sent 0" in runner()
    to_agus = [envelope for envelope in smtp.messages[before:] if agus.email in envelope.rcpt_tos]
    assert len(to_agus) == 1
    body = body_of(to_agus[0])
    assert "Kabar pertama pekan ini." in body and "Kabar kedua pekan ini." in body
