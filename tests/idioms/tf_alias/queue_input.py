# expect: TFM706*5
import tensorflow as tf

files = tf.train.string_input_producer(['a.tfrecord'])
_, record = tf.TFRecordReader().read(files)
batch = tf.train.shuffle_batch([record], 32, capacity=1000, min_after_dequeue=100)
coord = tf.train.Coordinator()
threads = tf.train.start_queue_runners(coord=coord)
