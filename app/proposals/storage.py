"""Evidence files on disk, in step with the rows that name them.

An upload is written under a temporary name and takes its final name (the Attachment's
`stored_name`) only once the transaction that added its row has committed; when that
transaction rolls back, or the session closes without committing, the temporary file is
deleted. One set of session listeners does this, so no view or service has to clean up after
a failed request. Whatever a crash still leaves behind (a temporary file of a killed worker)
is found by `flask --app wsgi cleanup-uploads`.
"""
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction

from app.core.extensions import db
from app.models import Attachment, RegionClaim

logger = logging.getLogger(__name__)

# Stored names are "<32 hex digits>.<ext>"; a temporary one is hidden and says what it is.
TEMP_PREFIX = ".pending-"
# A request writes, commits and renames within seconds; a temporary file an hour old belongs
# to no request any more.
TEMP_MAX_AGE_SECONDS = 3600
_PENDING = "pending_uploads"  # key in Session.info


@dataclass
class _Pending:
    temporary: str
    final: str
    transaction: SessionTransaction | None  # the (innermost) transaction that wrote it


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def upload_path(stored_name: str) -> str:
    """Where a committed attachment's file is."""
    return os.path.join(current_app.config["UPLOAD_DIR"], stored_name)


def store_after_commit(data: bytes, stored_name: str) -> None:
    """Write a new file under a temporary name; it becomes `stored_name` when the session commits."""
    os.makedirs(current_app.config["UPLOAD_DIR"], exist_ok=True)
    final = upload_path(stored_name)
    temporary = upload_path(TEMP_PREFIX + stored_name)
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
    except BaseException:
        _remove(temporary)
        raise
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append(_Pending(temporary, final, transaction))


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    """Whether a file written in `transaction` goes when `ended` is rolled back."""
    if transaction is None:  # written before any transaction began: it belongs to the outermost
        return ended.parent is None
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


def _discard(session: Session, keep=lambda pending: False) -> None:
    remaining = []
    for pending in session.info.get(_PENDING, []):
        if keep(pending):
            remaining.append(pending)
        else:
            _remove(pending.temporary)
    session.info[_PENDING] = remaining


@event.listens_for(db.session, "after_commit")
def _publish_committed_files(session: Session) -> None:
    # This event also follows the release of a savepoint; the outer transaction decides then.
    if session.in_nested_transaction():
        return
    for pending in session.info.pop(_PENDING, []):
        try:
            os.replace(pending.temporary, pending.final)
        except OSError:
            # The row is committed and cannot be taken back: say so loudly; the download answers 404.
            logger.exception("Could not move uploaded file %s to %s", pending.temporary, pending.final)


@event.listens_for(db.session, "after_soft_rollback")
def _discard_rolled_back_files(session: Session, previous_transaction: SessionTransaction) -> None:
    # A savepoint rolled back takes the files written inside it; the others wait for the outer commit.
    _discard(session, keep=lambda pending: not _within(pending.transaction, previous_transaction))


@event.listens_for(db.session, "after_transaction_end")
def _discard_uncommitted_files(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ended: after a commit nothing is pending any more; whatever is
    # left was rolled back, or the session was closed without a commit (a request that failed).
    if transaction.parent is None:
        _discard(session)


# --- leftovers (the cleanup command) -----------------------------------------------------

def stale_temporary_files(now: float | None = None) -> list[Path]:
    """Temporary files older than TEMP_MAX_AGE_SECONDS: left by a worker that died mid-upload."""
    folder = upload_dir()
    if not folder.is_dir():
        return []
    cutoff = (time.time() if now is None else now) - TEMP_MAX_AGE_SECONDS
    return sorted(path for path in folder.glob(TEMP_PREFIX + "*")
                  if path.is_file() and path.stat().st_mtime < cutoff)


def unreferenced_files() -> list[Path]:
    """Stored files that no row names (an attachment of a proposal, or the region's evidence)."""
    folder = upload_dir()
    if not folder.is_dir():
        return []
    # The folder is listed before the rows are read: a file gets its final name only after its
    # row is committed, so a file listed here has its row visible to the query that follows.
    files = [path for path in folder.iterdir() if path.is_file() and not path.name.startswith(TEMP_PREFIX)]
    named = set(db.session.scalars(select(Attachment.stored_name)))
    named |= set(db.session.scalars(select(RegionClaim.stored_name)))
    return sorted(path for path in files if path.name not in named)
