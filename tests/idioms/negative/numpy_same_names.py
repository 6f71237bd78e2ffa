# expect: none
import numpy as np

x = np.log(np.ones(3))
y = np.random.normal(size=3)
placeholder = np.zeros(3)
same = x == y
lookup = {x.tobytes(): 1}
