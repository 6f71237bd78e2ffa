# expect: TFM103, TFM104
import tensorflow.compat.v1 as tf

with tf.train.MonitoredTrainingSession(checkpoint_dir='ckpt') as mon_sess:
    while not mon_sess.should_stop():
        mon_sess.run(train_op)
