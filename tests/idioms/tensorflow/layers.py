# expect: TFM303*4
import tensorflow

h = tensorflow.layers.dense(x, 64, activation=tensorflow.nn.relu)
h = tensorflow.layers.dropout(h, rate=0.5, training=True)
h = tensorflow.layers.batch_normalization(h, training=True)
conv = tensorflow.layers.Conv2D(8, 3)
