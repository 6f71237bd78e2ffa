# expect: TFM108, TFM505*4, TFM506*2, TFM507
import tensorflow as tf

tf.enable_eager_execution()
tfe = tf.contrib.eager

w = tfe.Variable(1.0)


def loss(x):
    return w * x


grad_fn = tfe.implicit_gradients(loss)
grads = tfe.gradients_function(loss)
saver = tfe.Saver([w])
for batch in tfe.Iterator(dataset):
    print(batch)
network = tfe.Network()
gpus = tfe.num_gpus()
