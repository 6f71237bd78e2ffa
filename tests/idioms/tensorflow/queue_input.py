# expect: TFM706*5
import tensorflow

files = tensorflow.train.string_input_producer(['a.tfrecord'])
_, record = tensorflow.TFRecordReader().read(files)
batch = tensorflow.train.shuffle_batch([record], 32, capacity=1000, min_after_dequeue=100)
coord = tensorflow.train.Coordinator()
threads = tensorflow.train.start_queue_runners(coord=coord)
