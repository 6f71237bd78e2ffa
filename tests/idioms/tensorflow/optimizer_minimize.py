# expect: TFM201*3, TFM202
import tensorflow

opt = tensorflow.train.AdamOptimizer(1e-3)
train_op = opt.minimize(loss)
grads_and_vars = opt.compute_gradients(loss)
apply = opt.apply_gradients(grads_and_vars)
