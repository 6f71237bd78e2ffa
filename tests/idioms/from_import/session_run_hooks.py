# expect: TFM602
from tensorflow.train import CheckpointSaverHook

hook = CheckpointSaverHook('ckpt', save_steps=10)
