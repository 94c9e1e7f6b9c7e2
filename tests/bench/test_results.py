"""The CPU a server used, as the benchmarks count it, keeps the time of processes that ended in
the window (a worker replaced, a database connection that reached its maximum age)."""

import os
import subprocess
import sys

from bench.results import serving_cpu

BURN = "import time\nstart = time.process_time()\nwhile time.process_time() - start < 0.3:\n    pass\n"


def test_serving_cpu_keeps_the_time_of_a_process_that_ended():
    before = serving_cpu(os.getpid())
    subprocess.run([sys.executable, "-c", BURN], check=True)  # a child that works, then ends
    assert serving_cpu(os.getpid()) - before >= 0.25
