"""The tier's generated passwords appear in no log: the services' logs, the Pulumi state and output the tests left
under the run dir. Only the config files themselves (and the env file, outside the run dir) may hold them."""
import urllib.parse

from conftest import ROOT


def test_no_generated_password_in_logs_or_state(openstack_env):
    passwords = {k: v for k, v in openstack_env.items() if "PASSWORD" in k}
    assert passwords, "the env file holds no passwords"
    forms = {k: {v, urllib.parse.quote(v, safe=""), urllib.parse.quote_plus(v)} for k, v in passwords.items()}
    leaks = []
    scanned = 0
    for path in (ROOT / "run").rglob("*"):
        if not path.is_file() or path.suffix in (".conf", ".ini", ".sock", ".pid") or path.name == "secrets.json":
            continue
        if "mariadb" in path.parts or path.stat().st_size > 50 * 1024 * 1024:
            continue
        text = path.read_text(errors="replace")
        scanned += 1
        leaks += [f"{path.relative_to(ROOT)}: {k}" for k, fs in forms.items() if any(f in text for f in fs)]
    assert scanned > 0, "no log files under the run dir: the services log elsewhere"
    assert not leaks, "generated passwords found in:\n  " + "\n  ".join(leaks)
