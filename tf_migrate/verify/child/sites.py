"""Where in the user's code something happened: the innermost frame in the program's folder."""

from __future__ import annotations

import os
import sys
from types import FrameType

_FOLDER = [""]  # the program's folder, set once the program is known


def set_program(program: str) -> None:
    _FOLDER[0] = os.path.dirname(os.path.abspath(program)) + os.sep


def user_frame(frame: FrameType | None = None) -> FrameType | None:
    """The innermost frame of the program or of a module beside it, from ``frame`` outwards."""
    current: FrameType | None = frame if frame is not None else sys._getframe(1)
    folder = _FOLDER[0]
    while current is not None:
        filename = current.f_code.co_filename
        if folder and os.path.abspath(filename).startswith(folder):
            return current
        current = current.f_back
    return None


def site(frame: FrameType | None = None) -> str:
    """'train.py:42' for the innermost user frame, or '?' when the user's code is not on the
    stack (e.g. a TensorFlow thread)."""
    found = user_frame(frame if frame is not None else sys._getframe(1))
    if found is None:
        return "?"
    return f"{os.path.basename(found.f_code.co_filename)}:{found.f_lineno}"
