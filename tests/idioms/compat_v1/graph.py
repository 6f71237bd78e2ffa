# expect: TFM106*3
import tensorflow.compat.v1 as tf

graph = tf.Graph()
with graph.as_default():
    current = tf.get_default_graph()
tf.reset_default_graph()
