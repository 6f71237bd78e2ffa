# expect: TFM304*3
import tensorflow

cell = tensorflow.nn.rnn_cell.BasicLSTMCell(64)
stack = tensorflow.nn.rnn_cell.MultiRNNCell([cell])
outputs, state = tensorflow.nn.dynamic_rnn(stack, x, dtype=tensorflow.float32)
