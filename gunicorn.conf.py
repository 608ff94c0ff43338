"""gunicorn's settings for the web app, read from the directory gunicorn starts in (the Dockerfile's
and docker-compose.yml's command, or `gunicorn newsroom.wsgi` here).

A gthread worker takes every connection it is offered (up to `worker_connections`, 1,000 by
default) and queues what its threads cannot yet serve, even while another worker sits idle: under
a burst of saves one worker's queue grows and its requests wait (p99 twice the p50). Here each
worker takes only as many connections as it has threads; the others wait in the listening socket
for whichever worker frees a thread first, in the order they came. Connections are not kept
alive, as a kept connection would hold one of those places while idle: each request is one
connection, which costs little on loopback or behind a proxy.
"""


def on_starting(server):
    # After the command line is read, so --threads counts; before any worker starts.
    server.cfg.set("worker_connections", server.cfg.threads)
    server.cfg.set("keepalive", 0)
