"""The audit trail of staff actions (API tokens, users, operators)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from followup.models import AuditEvent


def audit(
    session: Session,
    *,
    clinic_id: int | None,
    actor: str,
    action: str,
    now: datetime,
    target_type: str | None = None,
    target_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record a staff action. Ids only: the audit trail must carry no PHI."""
    session.add(AuditEvent(clinic_id=clinic_id, actor=actor, action=action,
                           target_type=target_type, target_id=target_id,
                           detail=detail, at=now))
