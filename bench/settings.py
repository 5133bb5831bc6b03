"""Production settings for the benchmarks, plus the bare baseline view's URL (bench.urls).

The environment comes from ``bench.configure_environment``; nothing here is used in production.
"""

from householdsvc.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
