# expect: none
import tensorflow as tf

try:
    from tensorflow.contrib import rnn

    cell = rnn.LSTMCell(64)
    initializer = tf.contrib.layers.xavier_initializer()
except ImportError:
    cell = None
try:
    log = tf.logging.info
except AttributeError:
    log = print
