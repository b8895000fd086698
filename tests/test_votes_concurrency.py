"""Concurrent votes on PostgreSQL: the count always equals the rows."""
import threading

import pytest
from sqlalchemy import func, select

from app.core.extensions import db
from app.models import Proposal, User, Vote, vote_counts
from app.reviews import services
from tests import factories
from tests.conftest import is_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.committing, pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (DATABASE_URL)")]

THREADS = 50


def test_fifty_threads_voting_and_unvoting_keep_the_count_exact(app):
    with app.app_context():
        proposal = factories.submitted()
        # 25 voters, two threads each: both threads of a voter race on the same
        # (proposal, user) pair, which is what the unique constraint must settle.
        voter_ids = [factories.user().id for _ in range(THREADS // 2)]
        proposal_id = proposal.id
        db.session.commit()
        db.session.remove()

    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(voter_id: int, toggles: int):
        try:
            with app.app_context():
                voter = db.session.get(User, voter_id)
                target = db.session.get(Proposal, proposal_id)
                # Hand the connection back while waiting: the pool is smaller than 50.
                db.session.commit()
                barrier.wait(timeout=30)
                for _ in range(toggles):
                    services.toggle_vote(target, voter)
                    db.session.commit()
                db.session.remove()
        except BaseException as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(voter_ids[i // 2], 3 + i % 2)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    with app.app_context():
        rows = db.session.scalars(select(Vote).where(Vote.proposal_id == proposal_id)).all()
        count = vote_counts([proposal_id])[proposal_id]
        assert count == len(rows)
        assert len({vote.user_id for vote in rows}) == len(rows)  # one per person
        assert 0 <= count <= len(voter_ids)
        assert db.session.scalar(select(func.count()).select_from(Vote)) == count
        db.session.remove()


def test_concurrent_votes_from_different_people_all_count(app):
    with app.app_context():
        proposal = factories.submitted()
        voter_ids = [factories.user().id for _ in range(THREADS)]
        proposal_id = proposal.id
        db.session.commit()
        db.session.remove()
    barrier = threading.Barrier(THREADS)
    errors = []

    def worker(voter_id):
        try:
            with app.app_context():
                voter, target = db.session.get(User, voter_id), db.session.get(Proposal, proposal_id)
                db.session.commit()
                barrier.wait(timeout=30)
                services.toggle_vote(target, voter, want=True)
                db.session.commit()
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(voter_id,)) for voter_id in voter_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with app.app_context():
        assert vote_counts([proposal_id])[proposal_id] == THREADS
        db.session.remove()
