# expect: TFM703*2, TFM704*2
import tensorflow

tensorflow.summary.scalar('loss', loss)
tensorflow.summary.histogram('weights', w)
merged = tensorflow.summary.merge_all()
writer = tensorflow.summary.FileWriter('logs')
