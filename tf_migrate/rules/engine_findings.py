"""Findings the engine itself produces: unreadable files and compat.v1 fallbacks left in place."""

from __future__ import annotations

from tf_migrate.rules.base import Rule


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

    code = "TFM000"
    name = "parse-error"
    message = "cannot parse file"


class CompatV1Fallback(Rule):
    """## What it does
    Reports a `tf.compat.v1.X` call that tf-migrate wrote (or left) because no TF2-native form
    computes the same numbers, together with the reason.

    ## Why is this bad?
    `tf.compat.v1` is a bridge, not a destination: it may disappear in a later TensorFlow release.
    The functions tf-migrate falls back on run eagerly on TensorFlow 2.21, so the code works today.

    ## Example
    ```python
    q = tf.compat.v1.div(a, b)  # integer operands: floors, unlike tf.math.divide
    ```

    ## Use instead
    Pick the TF2 function with the semantics you want, e.g. `tf.math.floordiv` for integers
    or `tf.math.divide` for true division.

    ## Fix safety
    There is no fix: choosing between the TF2 forms changes numbers, so a person decides.
    """

    code = "TFM001"
    name = "compat-v1-fallback"
    message = "tf.compat.v1 fallback left in place"
