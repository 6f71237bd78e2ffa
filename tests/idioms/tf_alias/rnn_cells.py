# expect: TFM304*3
import tensorflow as tf

cell = tf.nn.rnn_cell.BasicLSTMCell(64)
stack = tf.nn.rnn_cell.MultiRNNCell([cell])
outputs, state = tf.nn.dynamic_rnn(stack, x, dtype=tf.float32)
