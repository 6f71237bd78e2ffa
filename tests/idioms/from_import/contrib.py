# expect: TFM501
from tensorflow.contrib import rnn

cell = rnn.GRUCell(32)
