# expect: TFM104*3
import tensorflow

def evaluate(sess, feed):
    return sess.run(accuracy, feed_dict=feed)


class Trainer:
    def step(self):
        self.sess.run(self.train_op)
        return self.loss.eval(session=self.sess)
