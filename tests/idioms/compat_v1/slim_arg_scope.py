# expect: TFM305*6
import tensorflow.compat.v1 as tf

slim = tf.contrib.slim
with slim.arg_scope([slim.conv2d], padding='VALID'):
    net = slim.conv2d(images, 32, [3, 3])
with tf.contrib.framework.arg_scope([slim.fully_connected]):
    pass
