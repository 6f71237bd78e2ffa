"""Why a run could not give values to compare."""

from __future__ import annotations


class FixtureError(Exception):
    """The program or its outputs cannot be compared as asked (e.g. an output that is no value)."""


class HarnessError(Exception):
    """The runtime cannot run the program as asked (e.g. the device is absent)."""


class ProgramFailed(Exception):
    """The program raised; the message is the program's own traceback."""
