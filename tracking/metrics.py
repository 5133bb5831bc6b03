"""Live-tracking figures for Prometheus (householdsvc.metrics serves them at /metrics)."""

from prometheus_client import Gauge

# Per web process; Prometheus sums the processes it scrapes.
LIVE_SOCKETS = Gauge("householdsvc_live_sockets", "Live-tracking WebSockets open in this process.")
