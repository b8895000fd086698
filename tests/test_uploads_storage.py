"""An evidence file is on disk under its final name only once its row is committed: a request
that fails or rolls back after the upload leaves no file, on both upload routes; savepoints
and sessions closed without a commit are followed; `cleanup-uploads` clears what a crash leaves."""
import os
import time

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.core.extensions import db
from app.maturity import services as maturity_services
from app.models import Attachment
from app.proposals import services as proposal_services
from app.proposals import storage
from tests import factories
from tests.conftest import login


@pytest.fixture(autouse=True)
def upload_dir(app, monkeypatch, tmp_path):
    """An empty upload folder of this test's own (the app's is shared by the whole run)."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(folder))
    return folder


@pytest.fixture
def routes(client, make):
    """Both upload routes of one implemented proposal, with its innovator logged in."""
    cycle = make.cycle()
    maturity_services.load_indicators()
    routes = factories.upload_routes(client, cycle)
    login(client, routes["innovator"])
    return routes


def files_in(app) -> set[str]:
    folder = app.config["UPLOAD_DIR"]
    return set(os.listdir(folder)) if os.path.isdir(folder) else set()


def attachment_count() -> int:
    return db.session.scalar(select(func.count(Attachment.id)))


def fail_after_the_upload(monkeypatch, route: str, error: Exception) -> None:
    """The route's service stores the file, then something fails before the commit."""
    stored = proposal_services.add_attachment

    def store_then_fail(*args, **kwargs):
        stored(*args, **kwargs)
        raise error

    module = proposal_services if route == "proposal" else maturity_services
    monkeypatch.setattr(module, "add_attachment", store_then_fail)


@pytest.mark.parametrize("route", ["proposal", "maturity"])
def test_a_committed_upload_is_at_its_final_name_and_nothing_else_is_left(app, routes, route):
    before = files_in(app)
    response = routes[route]()
    assert response.status_code == 302
    attachment = db.session.scalars(select(Attachment)).one()
    assert files_in(app) - before == {attachment.stored_name}
    with open(os.path.join(app.config["UPLOAD_DIR"], attachment.stored_name), "rb") as handle:
        assert handle.read() == factories.PDF_BYTES


@pytest.mark.parametrize("route", ["proposal", "maturity"])
def test_an_upload_refused_after_it_was_written_leaves_no_file(app, monkeypatch, routes, route):
    fail_after_the_upload(monkeypatch, route, proposal_services.ServiceError("Ditolak setelah diunggah."))
    before = files_in(app)
    response = routes[route]()
    assert response.status_code == 422 and "Ditolak setelah diunggah." in response.get_data(as_text=True)
    assert attachment_count() == 0
    assert files_in(app) == before


@pytest.mark.parametrize("route", ["proposal", "maturity"])
def test_a_request_that_crashes_before_its_commit_leaves_no_file(app, monkeypatch, routes, route):
    fail_after_the_upload(monkeypatch, route, RuntimeError("the worker fell over"))
    before = files_in(app)
    with pytest.raises(RuntimeError, match="fell over"):
        routes[route]()
    assert attachment_count() == 0
    assert files_in(app) == before


@pytest.mark.parametrize("route", ["proposal", "maturity"])
def test_a_commit_that_fails_leaves_no_file(app, routes, route):
    def refuse(session):
        raise RuntimeError("the database went away")

    before = files_in(app)
    event.listen(Session, "before_commit", refuse)
    try:
        with pytest.raises(RuntimeError, match="went away"):
            routes[route]()
    finally:
        event.remove(Session, "before_commit", refuse)
    assert attachment_count() == 0
    assert files_in(app) == before


def test_savepoints_keep_or_drop_the_files_written_inside_them(app, app_ctx):
    before = files_in(app)
    storage.store_after_commit(b"outer", "outer.pdf")
    with db.session.begin_nested():
        storage.store_after_commit(b"kept", "kept.pdf")  # the savepoint is released: it waits for the commit
    nested = db.session.begin_nested()
    storage.store_after_commit(b"dropped", "dropped.pdf")
    nested.rollback()
    assert files_in(app) - before == {".pending-outer.pdf", ".pending-kept.pdf"}
    db.session.commit()
    assert files_in(app) - before == {"outer.pdf", "kept.pdf"}


def test_a_session_closed_without_a_commit_takes_its_files(app, app_ctx):
    before = files_in(app)
    db.session.scalar(select(func.count(Attachment.id)))  # a transaction is open
    storage.store_after_commit(b"unfinished", "unfinished.pdf")
    assert files_in(app) - before == {".pending-unfinished.pdf"}
    db.session.remove()
    assert files_in(app) == before


# --- the cleanup command -------------------------------------------------------------------

def write(app, name: str, age_seconds: float = 0) -> str:
    path = os.path.join(app.config["UPLOAD_DIR"], name)
    with open(path, "wb") as handle:
        handle.write(b"x")
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def test_cleanup_removes_old_unfinished_uploads_and_keeps_fresh_and_referenced_files(app, app_ctx):
    proposal = factories.proposal_in("submitted")
    referenced = factories.attachment(proposal)
    db.session.commit()
    old_temp = write(app, ".pending-0123.pdf", age_seconds=2 * 3600)
    fresh_temp = write(app, ".pending-4567.pdf", age_seconds=60)
    orphan = write(app, "89ab.pdf", age_seconds=2 * 3600)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["cleanup-uploads"])
    assert result.exit_code == 0, result.output
    assert not os.path.exists(old_temp)
    assert os.path.exists(fresh_temp)
    assert os.path.exists(storage.upload_path(referenced.stored_name))
    assert os.path.exists(orphan)  # only reported without the flag
    assert "Deleted 1 unfinished upload" in result.output
    assert "89ab.pdf" in result.output and referenced.stored_name not in result.output

    result = runner.invoke(args=["cleanup-uploads", "--delete-unreferenced"])
    assert result.exit_code == 0, result.output
    assert not os.path.exists(orphan)
    assert os.path.exists(fresh_temp) and os.path.exists(storage.upload_path(referenced.stored_name))
    assert "Deleted 1 file(s) that no attachment names" in result.output
