"""TFM000: the finding the engine itself produces for a file it cannot read or parse."""

from __future__ import annotations

from tf_migrate.model import PARSE_ERROR_CODE, PARSE_ERROR_NAME
from tf_migrate.rules.support.rule import Rule


class ParseError(Rule):
    """## What it does
    Reports a file that tf-migrate cannot read or parse: Python 2 syntax, a syntax error, bytes that
    are not valid in the file's encoding, a binary file, a notebook that is not valid JSON.

    ## Why is this bad?
    Nothing in such a file can be checked or migrated. The rest of the run goes on; the file is
    left exactly as it was.

    ## Example
    ```python
    print "loss:", loss
    ```

    ## Use instead
    Make the file valid Python 3 first (for Python 2 code, run a Python 3 porting tool such as
    `pyupgrade` or `2to3` before tf-migrate).

    ## Fix safety
    There is no fix; the message gives the parser's reason and position.
    """

    code = PARSE_ERROR_CODE
    name = PARSE_ERROR_NAME
    message = "cannot parse file"
