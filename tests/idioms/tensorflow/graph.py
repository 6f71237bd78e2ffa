# expect: TFM106*3
import tensorflow

graph = tensorflow.Graph()
with graph.as_default():
    current = tensorflow.get_default_graph()
tensorflow.reset_default_graph()
