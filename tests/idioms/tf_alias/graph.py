# expect: TFM106*3
import tensorflow as tf

graph = tf.Graph()
with graph.as_default():
    current = tf.get_default_graph()
tf.reset_default_graph()
