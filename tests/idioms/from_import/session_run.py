# expect: TFM102, TFM104*2
from tensorflow import Session, constant

y = constant(1.0)
session = Session()
print(session.run(y))
print(y.eval(session=session))
