"""The one error the policy engine raises."""


class PolicyEngineError(Exception):
    """The pack, its config or a policy could not be evaluated (the message says which)."""
