# expect: TFM801*2
import tensorflow

setter = tensorflow.train.replica_device_setter(cluster=cluster)
sync = tensorflow.train.SyncReplicasOptimizer(opt, replicas_to_aggregate=2)
