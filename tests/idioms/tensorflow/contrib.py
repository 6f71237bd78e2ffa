# expect: TFM501*3
import tensorflow

cell = tensorflow.contrib.rnn.LSTMCell(64)
normal = tensorflow.contrib.distributions.Normal(0.0, 1.0)
hparams = tensorflow.contrib.training.HParams(lr=0.1)
