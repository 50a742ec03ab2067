"""Serves an OpenStack WSGI application (keystone.wsgi.api, neutron.wsgi.api) with gunicorn on a loopback address.

Why not the gunicorn command: the applications parse sys.argv with oslo.config at import time, and gunicorn's own flags
would be rejected there. Here argv is emptied before the application is imported; the config files come from the
services' environment variables (OS_KEYSTONE_CONFIG_FILES, OS_NEUTRON_CONFIG_DIR/OS_NEUTRON_CONFIG_FILES).
"""
import argparse
import importlib
import sys

from gunicorn.app.base import BaseApplication


class App(BaseApplication):
    def __init__(self, target: str, options: dict):
        self.target = target
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        module, _, attr = self.target.partition(":")
        sys.argv = [sys.argv[0]]
        return getattr(importlib.import_module(module), attr)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--app", required=True)
    p.add_argument("--bind", required=True)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--pid", required=True)
    a = p.parse_args()
    if not a.bind.startswith("127."):
        raise SystemExit("the openstack tier only binds loopback addresses")
    sys.argv = [sys.argv[0]]
    App(a.app, {
        "bind": a.bind, "workers": a.workers, "threads": a.threads, "worker_class": "gthread",
        "pidfile": a.pid, "timeout": 120, "graceful_timeout": 5, "accesslog": "-",
    }).run()


if __name__ == "__main__":
    main()
