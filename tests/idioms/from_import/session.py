# expect: TFM102*2
from tensorflow import InteractiveSession, Session

sess = Session()
interactive = InteractiveSession()
