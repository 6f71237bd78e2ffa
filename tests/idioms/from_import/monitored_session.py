# expect: TFM103, TFM104
from tensorflow.train import MonitoredTrainingSession

with MonitoredTrainingSession(checkpoint_dir='ckpt') as monitored:
    monitored.run(train_op)
