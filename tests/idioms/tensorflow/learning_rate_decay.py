# expect: TFM203*2, TFM204
import tensorflow

step = tensorflow.train.get_or_create_global_step()
lr = tensorflow.train.exponential_decay(0.1, step, 1000, 0.96, staircase=True)
piecewise = tensorflow.train.piecewise_constant(step, [100], [0.1, 0.01])
