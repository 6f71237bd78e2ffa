# expect: TFM706*2
from tensorflow.train import batch, slice_input_producer

example = slice_input_producer([data])
examples = batch(example, 32)
