"""Writes RabbitMQ definitions (vhosts, users, permissions) for the tier, to load with one `rabbitmqctl
import_definitions` instead of a dozen rabbitmqctl calls (each starts an Erlang VM, about a second).

Usage: rabbit_definitions.py OUT.json svc...   Each service gets a vhost and a user of its name (oskube's transport
URLs use the service name for both) with the env file's RabbitMQ password, stored as RabbitMQ's salted SHA-256 hash.
"""
import base64
import hashlib
import json
import os
import sys

import osenv


def password_hash(password: str) -> str:
    salt = os.urandom(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def main() -> None:
    out, services = sys.argv[1], sys.argv[2:]
    pw = osenv.load()["OSKUBE_OS_RABBIT_PASSWORD"]
    defs = {
        "users": [{"name": s, "password_hash": password_hash(pw), "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": []} for s in services],
        "vhosts": [{"name": s} for s in services],
        "permissions": [{"user": s, "vhost": s, "configure": ".*", "write": ".*", "read": ".*"} for s in services],
    }
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(defs, f)


if __name__ == "__main__":
    main()
