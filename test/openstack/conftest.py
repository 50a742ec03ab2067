"""The openstack tier: oskube's rendered configs against OpenStack's own code, and a real Keystone and Neutron.

Runs inside the venv of scripts/openstack-env.sh (scripts/openstack/run-tier.sh does that). Nothing here skips: a
missing service, tool or file fails the test that needs it, with the reason.
Generated passwords are never printed: assertions about them say which field failed, not its value.
"""
import functools
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HELPERS = REPO / "scripts" / "openstack"
SPECS_DIR = Path(__file__).resolve().parent / "specs"
sys.path.insert(0, str(HELPERS))

import osenv  # noqa: E402
import oslo_check  # noqa: E402

SPEC_NAMES = sorted(p.stem for p in SPECS_DIR.glob("*.json"))
ROOT = Path(os.environ.get("OSKUBE_OPENSTACK_DIR", osenv.DEFAULT_ROOT))


def run(cmd, *, timeout=600, input=None, env=None, what=None):
    """Runs a command; on failure, fails the test with the command's last output lines (which hold no secrets: the
    tools here never print passwords)."""
    p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout, input=input,
                       env={**os.environ, **(env or {})})
    if p.returncode != 0:
        tail = "\n".join((p.stdout + p.stderr).strip().splitlines()[-25:])
        pytest.fail(f"{what or ' '.join(map(str, cmd[:4]))} failed (exit {p.returncode}):\n{tail}", pytrace=False)
    return p


def render(out: Path, spec: str | Path | None = None, secrets: dict | None = None, local: bool = False) -> dict:
    """scripts/openstack/render-configs.ts into `out`; returns its index.json."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cmd = ["npx", "--no-install", "ts-node", "--transpile-only", str(HELPERS / "render-configs.ts"), "--out", str(out)]
    if spec is not None:
        cmd += ["--spec", str(spec if isinstance(spec, Path) else SPECS_DIR / f"{spec}.json")]
    env = {}
    if secrets is not None:
        sf = out / "secrets.json"
        fd = os.open(sf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(secrets, f)
        cmd += ["--secrets", str(sf)]
    if local:
        cmd.append("--local")
        env = {"OSKUBE_OS_ENV_FILE": osenv.env_file(), "OSKUBE_OS_STATE_DIR": str(ROOT / "data")}
    run(cmd, env=env, what=f"render-configs.ts for {spec}")
    return json.loads((out / "index.json").read_text())


@functools.lru_cache(maxsize=None)
def rendered_specs() -> dict:
    """Every spec of test/openstack/specs rendered once per session (at collection: the tests are per file)."""
    base = Path(os.environ.get("OSKUBE_OS_TEST_TMP", ROOT / "run" / "test-renders"))
    out = {}
    for name in SPEC_NAMES:
        d = base / name
        index = render(d, name)
        out[name] = {"dir": d, "index": index, "uncovered": json.loads((d / "uncovered.json").read_text())}
    return out


@functools.lru_cache(maxsize=None)
def oslo_report() -> dict:
    files = [str(r["dir"] / f) for r in rendered_specs().values() for f in r["index"]]
    return oslo_check.check_files(files)


@pytest.fixture(scope="session")
def openstack_env() -> dict:
    """MariaDB, RabbitMQ and Keystone up (idempotent; seconds when already running). Its values include passwords."""
    run(["bash", str(REPO / "scripts" / "openstack-env.sh"), "up"], timeout=1800, what="scripts/openstack-env.sh up")
    return osenv.load()


def keystone_session(env: dict):
    from keystoneauth1 import session
    from keystoneauth1.identity import v3

    auth = v3.Password(auth_url=env["OS_AUTH_URL"], username=env["OS_USERNAME"], password=env["OS_PASSWORD"],
                       project_name=env["OS_PROJECT_NAME"], user_domain_name="Default", project_domain_name="Default")
    return session.Session(auth=auth)


class NeutronServer:
    """neutron's API (neutron.wsgi.api under gunicorn) on oskube's rendered neutron.conf and ml2_conf.ini."""

    def __init__(self, env: dict, spec: str):
        self.env = env
        self.spec = spec
        self.port = int(env["OSKUBE_OS_NEUTRON_PORT"])
        self.url = f"http://{env['OSKUBE_OS_HOST']}:{self.port}"
        self.run_dir = ROOT / "run"
        self.etc = self.run_dir / "neutron-etc"
        self.pid_file = self.run_dir / "neutron-api.pid"
        self.log = self.run_dir / f"neutron-api-{spec}.log"
        self.venv = Path(sys.executable).parent

    def start(self):
        index = render(self.etc, self.spec, local=True)
        for needed in ("neutron.conf", "ml2.conf"):
            assert needed in index, f"oskube rendered no {needed} for spec {self.spec}: {sorted(index)}"
        # The file names neutron's WSGI entry point looks for (OS_NEUTRON_CONFIG_FILES) and its paste pipeline.
        shutil.copy(self.etc / "ml2.conf", self.etc / "ml2_conf.ini")
        shutil.copy(self.venv.parent / "etc" / "neutron" / "api-paste.ini", self.etc / "api-paste.ini")
        (self.run_dir / "neutron-locks").mkdir(exist_ok=True)
        # A fresh schema per boot: each spec's service plugins must work from an empty database.
        py = str(self.venv / "python")
        run([py, str(HELPERS / "dbctl.py"), "drop", "neutron"], what="dropping the neutron database")
        run([py, str(HELPERS / "dbctl.py"), "ensure", "neutron", "OSKUBE_OS_DB_PASSWORD"], what="creating the neutron database")
        run([str(self.venv / "neutron-db-manage"), "--config-file", str(self.etc / "neutron.conf"),
             "--config-file", str(self.etc / "ml2_conf.ini"), "upgrade", "heads"],
            what="neutron-db-manage upgrade heads on oskube's neutron.conf", timeout=900)
        env = {**os.environ, "OS_NEUTRON_CONFIG_DIR": str(self.etc), "OS_NEUTRON_CONFIG_FILES": "neutron.conf;ml2_conf.ini"}
        with open(self.log, "w") as log:
            subprocess.Popen([py, str(HELPERS / "wsgi_serve.py"), "--app", "neutron.wsgi.api:application",
                              "--bind", f"{self.env['OSKUBE_OS_HOST']}:{self.port}", "--workers", "1",
                              "--pid", str(self.pid_file)],
                             env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        import requests

        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if requests.get(self.url + "/", timeout=2).status_code == 200:
                    # One authenticated call before any concurrent ones: neutron loads its policy rules on the first
                    # request that needs them, and concurrent first requests were seen denied by policy (403).
                    keystone_session(self.env).get(self.url + "/v2.0/networks", raise_exc=True)
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])
        pytest.fail(f"neutron-server on oskube's configs for {self.spec} did not answer within 120 s:\n{tail}", pytrace=False)

    def stop(self):
        if self.pid_file.exists():
            pid = int(self.pid_file.read_text().strip() or 0)
            if pid:
                try:
                    os.killpg(pid, 15)
                except ProcessLookupError:
                    pass
                for _ in range(60):
                    try:
                        os.kill(pid, 0)
                    except ProcessLookupError:
                        break
                    time.sleep(0.25)
                else:
                    try:
                        os.killpg(pid, 9)
                    except ProcessLookupError:
                        pass
            self.pid_file.unlink(missing_ok=True)

    def get(self, path: str, session) -> dict:
        r = session.get(self.url + path, endpoint_filter=None, raise_exc=False)
        assert r.status_code == 200, f"GET {path}: HTTP {r.status_code} {r.text[:300]}"
        return r.json()


_current: dict = {}


@pytest.fixture(scope="session")
def neutron(openstack_env):
    """neutron(spec) -> a running NeutronServer on that spec's configs; one server at a time, reused per spec."""

    def get(spec: str) -> NeutronServer:
        cur = _current.get("server")
        if cur is not None and cur.spec == spec:
            return cur
        if cur is not None:
            cur.stop()
        server = NeutronServer(openstack_env, spec)
        server.stop()  # a server left over by an interrupted run
        _current["server"] = server.start()
        return _current["server"]

    yield get
    if _current.get("server") is not None:
        _current["server"].stop()
