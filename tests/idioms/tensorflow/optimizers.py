# expect: TFM202*5
import tensorflow

sgd = tensorflow.train.GradientDescentOptimizer(0.1)
momentum = tensorflow.train.MomentumOptimizer(0.1, 0.9)
adagrad = tensorflow.train.AdagradOptimizer(0.1)
rmsprop = tensorflow.train.RMSPropOptimizer(0.01)
ftrl = tensorflow.train.FtrlOptimizer(0.1)
