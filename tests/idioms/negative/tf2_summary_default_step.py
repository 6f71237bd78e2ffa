# expect: none
import tensorflow as tf

writer = tf.summary.create_file_writer("logs")
tf.summary.experimental.set_step(0)
with writer.as_default():
    tf.summary.scalar("loss", 0.5)
    tf.summary.histogram("weights", [1.0, 2.0], 3)
