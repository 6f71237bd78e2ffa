# expect: TFM705*2
from tensorflow.compat.v1.data import make_initializable_iterator

iterator = make_initializable_iterator(dataset)
batch = iterator.get_next()
