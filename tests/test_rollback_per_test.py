"""The test set-up itself (tests/conftest.py): each test runs inside one transaction, rolled back
at its end, unless it is marked `committing`."""
import pytest
from sqlalchemy import func, select

from app.core import live
from app.core.extensions import db
from app.models import User
from tests.conftest import login


def users_seen_by_another_connection() -> int:
    with db.engine.connect() as other:
        return other.execute(select(func.count()).select_from(User)).scalar_one()


def test_the_commits_of_a_test_and_of_its_requests_stay_inside_its_transaction(client, make, database):
    user = make.user()
    db.session.commit()
    login(client, user)  # a request in its own app context, whose view commits
    assert db.session.scalar(select(User.last_login_at).where(User.id == user.id)) is not None
    assert database.in_transaction()
    assert users_seen_by_another_connection() == 0


def test_the_data_version_is_read_inside_the_test_transaction(make):
    before = live.version()
    make.agency()  # a row the shared pages show: the data version is renewed at commit
    db.session.commit()
    assert live.version() != before


@pytest.mark.committing
def test_a_committing_test_commits_for_real(make, database):
    assert database is None
    make.user()
    db.session.commit()
    assert users_seen_by_another_connection() == 1
