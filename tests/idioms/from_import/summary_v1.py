# expect: TFM703, TFM704
from tensorflow import summary

summary.scalar('loss', loss)
writer = summary.FileWriter('logs')
