"""Form types. Importing this package registers every form type module."""

from . import consent_release  # noqa: F401
from .registry import FormType, form_types, get_form_type  # noqa: F401
