"""Sending what is due: claim rows, apply quiet hours and staleness, send.

The database is the source of truth. A pass claims a batch of due check-ins
atomically (so concurrent dispatchers never send the same one), decides and
renders the whole batch in one read, and sends in small chunks whose outcomes
are committed together. A claim that is never finished (the process died)
expires after a lease and the check-in is looked at again.

One module per responsibility: ``claims`` (claims and their lease),
``planning`` (what goes now and why not the rest), ``results`` (recording
outcomes), ``dispatcher`` (one pass, in order). The text itself leaves through
``messaging.outbound``, like every other text.
"""

from followup.messaging.dispatch.dispatcher import SEND_CHUNK, Dispatcher
from followup.messaging.dispatch.planning import (
    REMINDER_KIND,
    STAFF_KIND,
    SendPlan,
    Verdict,
    replied_since,
)
from followup.messaging.dispatch.results import DispatchSummary

__all__ = ["REMINDER_KIND", "SEND_CHUNK", "STAFF_KIND", "DispatchSummary", "Dispatcher",
           "SendPlan", "Verdict", "replied_since"]
