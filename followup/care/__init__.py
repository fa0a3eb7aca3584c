"""Care: what a nurse sees and does. Flags, follow-through on silence, on-call
escalation, asking back, the digest, clinic alerts, metrics and quick replies."""
