# expect: TFM108, TFM505*3, TFM506*2, TFM507
from tensorflow import enable_eager_execution
from tensorflow.contrib import eager as tfe
from tensorflow.contrib.eager import Saver, Variable, implicit_gradients

enable_eager_execution()
w = Variable(1.0)


def loss(x):
    return w * x


grad_fn = implicit_gradients(loss)
grads = tfe.value_and_gradients_function(loss)
saver = Saver([w])
for batch in tfe.Iterator(dataset):
    print(batch)
checkpoint = tfe.Checkpoint(w=w)
