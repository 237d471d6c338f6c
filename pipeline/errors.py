"""The pipeline's errors: one root class, each error carrying the exit code ``claims`` ends with.

Every error the pipeline raises on purpose derives from :class:`ClaimsError`; its message says
what went wrong, where (the file, record or folder), and what to do. The ``claims`` command maps
an error to its exit code in one place (:func:`pipeline.cli.main`); library callers can catch
``ClaimsError`` or the specific class. Errors of bad input (undecodable text, a damaged
compressed file, a pipe in the input folder) are caught by ingest and recorded as rejects; they
derive from the root too, so a reader called directly raises nothing foreign.
"""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the ``claims`` command."""

    OK = 0
    FAILED = 1          # the run failed (the message says why; the previous dataset is unchanged)
    USAGE = 2           # wrong usage: an argument, an input path or a config value
    REJECTS = 3         # the run finished, but some input records were rejected (see `rejects`)
    LOCKED = 4          # another run holds the output's lock
    INTERRUPTED = 130   # stopped by SIGINT (Ctrl-C)
    TERMINATED = 143    # stopped by SIGTERM

    @classmethod
    def describe(cls) -> str:
        """The exit codes in one line, for ``--help``."""
        words = {cls.OK: "ok", cls.FAILED: "failed", cls.USAGE: "usage", cls.REJECTS: "some input rejected",
                 cls.LOCKED: "output locked by another run", cls.INTERRUPTED: "stopped by Ctrl-C",
                 cls.TERMINATED: "stopped by SIGTERM"}
        return "Exit codes: " + ", ".join(f"{int(code)} {words[code]}" for code in cls) + "."


class ClaimsError(Exception):
    """Root of the pipeline's errors; ``exit_code`` is what the ``claims`` command exits with."""

    exit_code: ExitCode = ExitCode.FAILED


class UsageError(ClaimsError):
    """What was asked cannot be done as asked (an argument, a path, a config value)."""

    exit_code = ExitCode.USAGE


class InputError(ClaimsError):
    """One input file or record cannot be read; ingest records it as a reject and goes on."""
