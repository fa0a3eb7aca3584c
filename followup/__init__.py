"""followup: SMS follow-up for patients after an IVIG infusion."""
