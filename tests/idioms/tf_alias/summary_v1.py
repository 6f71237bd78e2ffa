# expect: TFM703*2, TFM704*2
import tensorflow as tf

tf.summary.scalar('loss', loss)
tf.summary.histogram('weights', w)
merged = tf.summary.merge_all()
writer = tf.summary.FileWriter('logs')
