# expect: TFM106*2
from tensorflow import Graph, get_default_graph

graph = Graph()
current = get_default_graph()
