"""gunicorn settings for motcua-web.service (docs/deploy.md).

One synchronous worker per core: a request is a few short queries, nginx buffers slow clients,
and the display board's event stream (the only long request) goes to uvicorn instead.
"""

import multiprocessing
import os

bind = os.environ.get("MOTCUA_WEB_BIND") or "127.0.0.1:8000"
workers = int(os.environ.get("MOTCUA_WEB_WORKERS") or multiprocessing.cpu_count())
worker_class = "sync"
# PDF forms and xlsx reports can take seconds; anything near a minute is a fault.
timeout = 60
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (spread so they do not all restart at once):
# memory stays flat whatever a long-running library keeps.
max_requests = 5000
max_requests_jitter = 500
# Logs to journald through stdout/stderr (journalctl -u motcua-web); no log files to rotate.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
# The client address comes from X-Forwarded-For, read by motcua itself from the proxies listed
# in MOTCUA_TRUSTED_PROXIES; gunicorn only needs to trust the local nginx for the scheme.
forwarded_allow_ips = os.environ.get("MOTCUA_WEB_FORWARDED_ALLOW_IPS") or "127.0.0.1"
proc_name = "motcua-web"
