import tensorflow as tf

# Created in another order than before.py: alignment must not hand `shift` the ones of `scale`.
shift = tf.Variable(tf.zeros([3]), name="shift")
weights = tf.Variable(tf.random.normal([3], seed=3), name="weights")
scale = tf.Variable(tf.ones([3]), name="scale")
out = (scale * weights + shift).numpy()
