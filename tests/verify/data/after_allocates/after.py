import numpy as np

blocks = []
while True:
    blocks.append(np.ones(25_000_000))  # 200 MB, written so it is resident
value = 1.0
