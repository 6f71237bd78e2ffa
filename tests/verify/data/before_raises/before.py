import tensorflow as tf


def build(width):
    if width < 1:
        raise ValueError(f"width must be positive, got {width}")
    return tf.zeros([width])


layer = build(0)
