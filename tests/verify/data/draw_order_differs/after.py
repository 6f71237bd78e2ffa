import tensorflow as tf

# The same draws in the other order: each gets the stream's other position.
jitter_value = tf.random.uniform([3]).numpy()
noise_value = tf.random.normal([3]).numpy()
