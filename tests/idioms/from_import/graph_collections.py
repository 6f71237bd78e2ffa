# expect: TFM107*2
from tensorflow import GraphKeys, get_collection

updates = get_collection(GraphKeys.UPDATE_OPS)
