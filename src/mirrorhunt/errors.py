"""The one exception tree of mirrorhunt.

    MirrorhuntError                  every error mirrorhunt raises on purpose
    ├── ConfigError                  a setting, flag or spec file is wrong
    ├── InvalidInput                 a name, URL, date or file given by a person is not usable
    │   └── InvalidName              not a domain name we can work with
    ├── NotFound                     an object named by a person does not exist
    │   └── UnknownCase
    ├── AlreadyExists                creating something that is already there
    ├── Forbidden                    a person's role does not hold the right to do that
    ├── Unauthenticated              a password, token or session was refused, or logins are throttled
    ├── StoreError                   the database cannot be reached, is locked, or refused a write
    ├── SafetyRefusal                a probe target is not allowed (private address, size, redirects)
    ├── ProbeError                   a probe target failed: timeout, garbage, reset
    ├── SourceError                  a candidate source failed (a CT log answered garbage, …)
    ├── LabError                     the lab cannot start (port in use, bad spec)
    ├── EngineError                  the Dask cluster cannot be reached or lost work for good
    └── RateLimited                  a source sent more than it may for now (tips)

Third-party exceptions are mapped at the boundary with ``raise … from exc``. The CLI catches only
``MirrorhuntError`` and prints ``diagnostics()``: what went wrong and what to do about it.
"""

from __future__ import annotations


class MirrorhuntError(Exception):
    """Root of every error mirrorhunt raises on purpose."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def diagnostics(self) -> str:
        """One line for a person: the problem, then what to do about it."""
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(MirrorhuntError):
    """A setting, flag or spec file is wrong."""


class InvalidInput(MirrorhuntError):
    """Something a person gave (name, URL, date, file) cannot be used."""


class InvalidName(InvalidInput):
    """Not a domain name mirrorhunt can work with."""


class NotFound(MirrorhuntError):
    """An object named by a person does not exist."""


class UnknownCase(NotFound):
    """No case of that name."""


class AlreadyExists(MirrorhuntError):
    """Creating something that is already there."""


class Unauthenticated(MirrorhuntError):
    """Who is asking could not be established: wrong password, unknown token, expired session, or too
    many failed logins in a row."""


class Forbidden(MirrorhuntError):
    """A person's role does not hold the right to do that (or, under four eyes, not twice)."""


class StoreError(MirrorhuntError):
    """The database cannot be reached, is locked, or refused a write."""


class SafetyRefusal(MirrorhuntError):
    """A probe target is not allowed: private address, too large, too many redirects."""


class ProbeError(MirrorhuntError):
    """A probe target failed: timeout, garbage, connection reset."""


class SourceError(MirrorhuntError):
    """A candidate source failed."""


class LabError(MirrorhuntError):
    """The lab cannot start or change: port in use, bad spec."""


class EngineError(MirrorhuntError):
    """The cluster that runs the heavy work cannot be reached, or lost a piece of work for good."""


class RateLimited(MirrorhuntError):
    """A source (a tipster, a partner) sent more than it may in a while; it may try again later."""
