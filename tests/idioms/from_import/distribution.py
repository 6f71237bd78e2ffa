# expect: TFM801
from tensorflow.train import replica_device_setter

setter = replica_device_setter(cluster=cluster)
