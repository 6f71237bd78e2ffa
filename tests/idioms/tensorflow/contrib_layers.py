# expect: TFM305*3
import tensorflow

h = tensorflow.contrib.layers.fully_connected(x, 10)
reg = tensorflow.contrib.layers.l2_regularizer(0.1)
init = tensorflow.contrib.layers.xavier_initializer()
