"""Exceptions that carry a stable code and parameters, so callers can translate them."""

from __future__ import annotations


class ComplianceError(ValueError):
    """Invalid input or configuration, with a ``code`` and ``params`` to rebuild the message."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.params = params
        self.message = message


class RuleError(ComplianceError):
    """Sending rules that break a hard limit or cannot produce a send time."""
