# expect: TFM701*2
import tensorflow

saver = tensorflow.train.Saver(max_to_keep=3)
restorer = tensorflow.train.import_meta_graph('model.meta')
