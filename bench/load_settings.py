"""Settings of the servers that bench/load_bench.py starts: Palermo's own (whichever version is
first on the path), with the bench URLconf that adds the hello-world view. Never used by the
product: the hello-world URL exists only here."""

import os

from palermo.settings import *  # noqa: F403
from palermo.settings import DATABASES

ROOT_URLCONF = "load_urls"

# To measure what persistent database connections and their health checks cost or save
# (PALERMO_BENCH_CONN_MAX_AGE=0, PALERMO_BENCH_CONN_HEALTH_CHECKS=1).
if os.environ.get("PALERMO_BENCH_CONN_MAX_AGE"):
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ["PALERMO_BENCH_CONN_MAX_AGE"])
if os.environ.get("PALERMO_BENCH_CONN_HEALTH_CHECKS"):
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = (
        os.environ["PALERMO_BENCH_CONN_HEALTH_CHECKS"] == "1"
    )
