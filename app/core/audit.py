"""The audit log: one call records who did what to which thing."""
from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from app.core.extensions import db
from app.models import AuditEntry


def record(action: str, target=None, summary: str = "", actor=None, **details: Any) -> AuditEntry:
    """Add an audit entry to the session (the caller commits with its change)."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        target_type=type(target).__name__.lower() if target is not None else None,
        target_id=getattr(target, "id", None),
        ip_address=request.remote_addr if has_request_context() else None,
        summary=summary,
        details=details,
    )
    db.session.add(entry)
    return entry
