import time

while True:
    time.sleep(0.1)
value = 1.0
