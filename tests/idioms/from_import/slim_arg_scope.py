# expect: TFM305*3
from tensorflow.contrib import slim

with slim.arg_scope([slim.conv2d]):
    net = slim.conv2d(images, 32, [3, 3])
