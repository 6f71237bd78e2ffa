"""TFM502-TFM504 fix `tf.flags`, `tf.app.run` and `tf.logging` as the absl modules TF1 wrapped:
safe where the program's behaviour stays TF1's, unsafe with the reason where absl's flags could
be read before they are parsed."""

from __future__ import annotations

import textwrap

from tf_migrate.engine.fixer import fix_module
from tf_migrate.model import Applicability
from tf_migrate.rules.contrib_flags import TF1App, TF1Flags, TF1Logging


def _fix(code: str) -> tuple[str, list[tuple[str, str, Applicability]]]:
    outcome = fix_module(textwrap.dedent(code), [TF1Flags, TF1App, TF1Logging],
                         should_apply=lambda a: True)
    found = [(f.code, f.message, f.applicability) for f in outcome.fixed + outcome.remaining]
    return outcome.source, found


def test_flags_parsed_by_app_run_and_read_in_main_are_a_safe_fix() -> None:
    source, found = _fix("""\
        import tensorflow as tf

        tf.app.flags.DEFINE_integer("steps", 3, "steps")
        FLAGS = tf.app.flags.FLAGS

        def main(argv):
            print(FLAGS.steps)

        if __name__ == "__main__":
            tf.app.run(main=main)
        """)
    assert {code for code, _, applicability in found
            if applicability is Applicability.SAFE} == {"TFM502", "TFM503"}
    assert source == textwrap.dedent("""\
        import tensorflow as tf
        from absl import app, flags

        flags.DEFINE_integer("steps", 3, "steps")
        FLAGS = flags.FLAGS

        def main(argv):
            print(FLAGS.steps)

        if __name__ == "__main__":
            app.run(main, flags_parser=lambda argv: flags.FLAGS(argv, known_only=True))
        """)


def test_flags_read_before_any_parse_are_an_unsafe_fix_that_says_why() -> None:
    for code, reason in [
        ("FLAGS = tf.flags.FLAGS\nbatch = FLAGS.batch\n", "the program does not parse its flags"),
        ("FLAGS = tf.flags.FLAGS\nbatch = FLAGS.batch\ntf.app.run(lambda argv: None)\n",
         "`FLAGS.batch` is read at module level"),
    ]:
        _, found = _fix("import tensorflow as tf\ntf.flags.DEFINE_integer('batch', 2, 'b')\n"
                        + code)
        flags = [(message, applicability) for rule, message, applicability in found
                 if rule == "TFM502"]
        assert flags and all(a is Applicability.UNSAFE and reason in m for m, a in flags)


def test_tf_app_run_without_a_main_to_pass_stays_manual() -> None:
    source = "import tensorflow as tf\ntf.app.run()\n"
    fixed, [(_, _, applicability)] = _fix(source)
    assert fixed == source and applicability is Applicability.MANUAL


def test_logging_through_a_from_import_loses_that_import() -> None:
    source, found = _fix("""\
        from tensorflow import logging as tflog
        tflog.warn("careful")
        tflog.log_if(tflog.INFO, "x", True)
        """)
    # absl has no log_if: that use stays, with its import.
    assert [applicability for _, _, applicability in found].count(Applicability.MANUAL) == 1
    assert "from absl import logging\n" in source
    assert "logging.warning(\"careful\")" in source
    assert "from tensorflow import logging as tflog" in source  # still used by log_if


def test_logging_beside_the_standard_librarys_takes_an_alias() -> None:
    source, _ = _fix("""\
        import logging
        import tensorflow as tf
        logging.basicConfig()
        tf.logging.set_verbosity(tf.logging.WARN)
        """)
    assert "from absl import logging as absl_logging\n" in source
    assert "absl_logging.set_verbosity(absl_logging.WARNING)" in source
    assert "logging.basicConfig()" in source
