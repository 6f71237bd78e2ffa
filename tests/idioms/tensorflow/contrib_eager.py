# expect: TFM108, TFM505*4, TFM506*2, TFM507*2
import tensorflow

tensorflow.enable_eager_execution()
w = tensorflow.contrib.eager.Variable(1.0)


def loss(x):
    return w * x


grad_fn = tensorflow.contrib.eager.implicit_value_and_gradients(loss)
grads = tensorflow.contrib.eager.value_and_gradients_function(loss, params=[0])
saver = tensorflow.contrib.eager.Saver({"w": w})
path = saver.save("ckpt/model")
for batch in tensorflow.contrib.eager.Iterator(dataset):
    print(batch)
run = tensorflow.contrib.eager.defun(loss)
metric = tensorflow.contrib.eager.metrics.Mean()
