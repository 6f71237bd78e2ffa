# expect: TFM108, TFM505*3, TFM506*2, TFM507
import tensorflow.compat.v1 as tf

tf.enable_eager_execution()
tfe = tf.contrib.eager

w = tfe.Variable(1.0)


def loss(x):
    return w * x


grad_fn = tfe.implicit_gradients(loss)
grads = tfe.gradients_function(lambda x: loss(x) * 2.0)
saver = tfe.Saver([w])
saver.restore("ckpt/model")
iterator = tfe.Iterator(dataset)
eager = tfe.executing_eagerly()
