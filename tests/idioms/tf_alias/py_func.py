# expect: TFM109
import numpy as np
import tensorflow as tf

y = tf.py_func(np.sinc, [x], tf.float32)
