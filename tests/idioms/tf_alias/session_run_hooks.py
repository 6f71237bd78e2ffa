# expect: TFM601, TFM602*3
import tensorflow as tf

class PrintHook(tf.train.SessionRunHook):
    pass


hooks = [
    tf.train.StopAtStepHook(last_step=100),
    tf.train.LoggingTensorHook({'loss': loss}, every_n_iter=10),
    tf.estimator.NanTensorHook(loss),
]
