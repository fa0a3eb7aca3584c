"""Patients: enrolment after an infusion, the check-in plan, CSV import, consent,
notes, and what is kept or removed over time."""
