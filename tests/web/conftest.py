"""Staff web fixtures (the helpers live in ``web.staffkit``)."""

from web.staffkit import (  # noqa: F401  (fixtures)
    admin,
    as_admin,
    as_nurse,
    enrol_patient,
    nurse,
    south_nurse,
)
