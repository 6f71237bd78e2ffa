# expect: TFM601, TFM602*3
import tensorflow

class PrintHook(tensorflow.train.SessionRunHook):
    pass


hooks = [
    tensorflow.train.StopAtStepHook(last_step=100),
    tensorflow.train.LoggingTensorHook({'loss': loss}, every_n_iter=10),
    tensorflow.estimator.NanTensorHook(loss),
]
