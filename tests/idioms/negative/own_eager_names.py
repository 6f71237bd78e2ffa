# expect: none
import tensorflow as tf

import mylib as tfe


def implicit_gradients(f):
    return f


class Saver:
    def save(self, path):
        return path


w = tf.Variable(1.0)
grad_fn = implicit_gradients(lambda: w * 2.0)
counter = tfe.Variable(1)
saver = Saver()
saver.save("model")
for batch in tfe.Iterator([1, 2]):
    print(batch)
try:
    import tensorflow.contrib.eager as contrib_eager

    legacy = contrib_eager.Variable(1.0)
except ImportError:
    legacy = None
