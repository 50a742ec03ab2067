"""The tier's env file (written by scripts/openstack-env.sh), read without a shell so passwords stay off command lines."""
import os
import shlex

DEFAULT_ROOT = os.path.join(os.path.expanduser("~"), ".cache", "oskube", "openstack")


def env_file() -> str:
    root = os.environ.get("OSKUBE_OPENSTACK_DIR", DEFAULT_ROOT)
    return os.environ.get("OSKUBE_OS_ENV_FILE", os.path.join(root, "state", "env.sh"))


def load(path: str | None = None) -> dict[str, str]:
    path = path or env_file()
    if not os.path.exists(path):
        raise SystemExit(f"{path} is missing: run scripts/openstack-env.sh up first")
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("export "):
                continue
            key, _, value = line[len("export "):].partition("=")
            words = shlex.split(value)
            out[key] = words[0] if words else ""
    return out
