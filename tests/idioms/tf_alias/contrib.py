# expect: TFM501*3
import tensorflow as tf

cell = tf.contrib.rnn.LSTMCell(64)
normal = tf.contrib.distributions.Normal(0.0, 1.0)
hparams = tf.contrib.training.HParams(lr=0.1)
