"""Messaging: every text in and out. Outbound texts, the dispatcher that sends what
is due, pacing, delivery reports, inbound replies, the wording and the SMS backends."""
