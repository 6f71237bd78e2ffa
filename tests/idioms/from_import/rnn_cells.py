# expect: TFM304
from tensorflow.nn import rnn_cell

cell = rnn_cell.GRUCell(32)
