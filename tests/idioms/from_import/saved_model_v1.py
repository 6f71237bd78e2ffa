# expect: TFM702
from tensorflow.saved_model import simple_save

simple_save(sess, 'export', inputs, outputs)
