"""Findings shared by the report tests: a safe rename and a manual placeholder finding."""

from tf_migrate.model import Applicability, Finding, Location

SOURCE = "import tensorflow as tf\nx = tf.placeholder(tf.float32)\ny = tf.log(x)\n"
RENAME = Finding(
    "TFM401",
    "tf1-symbol-name",
    "`tf.log` does not exist in TF2; it is `tf.math.log`",
    Location(3, 5, 3, 11),
    Applicability.SAFE,
    "Rename to `tf.math.log`",
)
PLACEHOLDER = Finding(
    "TFM101",
    "placeholder",
    "`tf.placeholder` has no TF2 form",
    Location(2, 5, 2, 19),
    Applicability.MANUAL,
)
