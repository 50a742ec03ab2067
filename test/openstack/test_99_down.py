"""`scripts/openstack-env.sh down` stops everything the tier started: afterwards nothing listens on the tier's ports
(MariaDB, AMQP, RabbitMQ distribution, epmd, Keystone, Neutron). Runs last; the tier's runner calls down again."""
import subprocess

from conftest import REPO


def listening_ports() -> set[int]:
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def test_down_leaves_nothing_listening(openstack_env):
    ours = {int(openstack_env[k]) for k in ("OSKUBE_OS_DB_PORT", "OSKUBE_OS_AMQP_PORT", "OSKUBE_OS_KEYSTONE_PORT", "OSKUBE_OS_NEUTRON_PORT")}
    ours |= {24369, 25674}  # the broker's epmd and distribution ports (scripts/openstack-env.sh)
    assert ours & listening_ports(), "the tier's services are not listening before down: nothing to check"
    p = subprocess.run(["bash", str(REPO / "scripts" / "openstack-env.sh"), "down"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-1000:]
    left = sorted(ours & listening_ports())
    assert not left, f"still listening after down: {left}"
    assert subprocess.run(["bash", str(REPO / "scripts" / "openstack-env.sh"), "status"], capture_output=True).returncode != 0
