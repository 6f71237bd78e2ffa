# expect: TFM701
from tensorflow.train import Saver

saver = Saver()
