# expect: TFM305*6
import tensorflow

slim = tensorflow.contrib.slim
with slim.arg_scope([slim.conv2d], padding='VALID'):
    net = slim.conv2d(images, 32, [3, 3])
with tensorflow.contrib.framework.arg_scope([slim.fully_connected]):
    pass
