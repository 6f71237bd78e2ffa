# expect: TFM502, TFM503, TFM504
from tensorflow import app, flags, logging

flags.DEFINE_integer('steps', 10, 'steps')
logging.info('start')
app.run()
