# expect: TFM202*5
import tensorflow as tf

sgd = tf.train.GradientDescentOptimizer(0.1)
momentum = tf.train.MomentumOptimizer(0.1, 0.9)
adagrad = tf.train.AdagradOptimizer(0.1)
rmsprop = tf.train.RMSPropOptimizer(0.01)
ftrl = tf.train.FtrlOptimizer(0.1)
