"""Form types, one spec each. Importing this package registers every form type module."""

from . import (
    appeal,  # noqa: F401
    case_plan,  # noqa: F401
    client_rights,  # noqa: F401
    consent_release,  # noqa: F401
    consent_revocation,  # noqa: F401
    discharge_plan,  # noqa: F401
    final_decision,  # noqa: F401
    grievance,  # noqa: F401
    grievance_response,  # noqa: F401
    revocation_letter,  # noqa: F401
    termination_notice,  # noqa: F401
    vawa_certification,  # noqa: F401
    vawa_notice,  # noqa: F401
)
from .registry import (  # noqa: F401
    example_agency_settings,
    form_type_that,
    form_types,
    get_form_type,
)
