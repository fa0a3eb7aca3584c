"""The EHR integration: doses in (FHIR R4, HL7 v2 over MLLP), flags back out (FHIR).

Both ways in end in ``intake.record``, which hands the dose to the same
enrolment service as the API, the form and CSV imports, so validation and
scheduling are one thing whatever the channel. See docs/ehr-integration.md.
"""
