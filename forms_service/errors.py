"""Domain errors raised by services; views and the CLI turn them into pages and exit codes."""


class NotFound(Exception):
    """The object does not exist or the actor may not know it exists (other agency)."""


class PermissionDenied(Exception):
    """The actor is known to see the object but may not do this with it."""


class RuleViolation(Exception):
    """A domain rule refuses the action; the message says which rule, in plain words."""


class InvalidInput(Exception):
    """Input failed validation; `errors` maps each field name to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
