# expect: TFM801*2
import tensorflow as tf

setter = tf.train.replica_device_setter(cluster=cluster)
sync = tf.train.SyncReplicasOptimizer(opt, replicas_to_aggregate=2)
