"""Run twice by the same fork server: nothing may carry over from one run to the next."""

import os
import sys

import numpy as np

leaked = int(hasattr(sys, "tf_migrate_probe"))
sys.tf_migrate_probe = True
files = len(os.listdir("."))
with open("marker.txt", "w") as handle:
    handle.write("left behind")
own_group = int(os.getpgrp() == os.getpid())
draw = float(np.random.rand())
print("hello from the program")
