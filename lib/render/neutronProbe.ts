/**
 * The health probe of Neutron's RPC processes (the agents and the RPC server), shipped as a ConfigMap.
 *
 * Kubernetes should see what `openstack network agent list` sees as "alive". The server derives that flag from
 * heartbeats, which a probe cannot read without admin credentials, so the probe asks the agent directly: it makes an
 * oslo.messaging RPC call to the agent's own per-host topic with a method that does not exist. An answer, even the
 * RemoteError for the unknown method, proves that the agent consumes its queue; a timeout means it does not.
 *
 * Readiness needs an established AMQP connection of the agent process itself (found through its socket inodes in
 * /proc), because an agent without one cannot receive work. Liveness never fails because RabbitMQ is down: restarting
 * every agent in the cloud during a broker outage would only add a reconnection storm to the outage.
 */
export const PROBE_SCRIPT = String.raw`#!/usr/bin/env python3
"""oskube probe for Neutron RPC processes. Exit 0: healthy; exit 1: not.

--mode liveness:  the process runs, and if it holds an AMQP connection it answers RPC on its topic.
--mode readiness: the process runs, holds an AMQP connection, answers RPC on its topic, and (--check-ovs) br-int
                  exists and ovs-vsctl show is clean, (--check-path) its socket exists.
"""
import argparse
import os
import socket
import subprocess
import sys


def pids_of(process):
    me = str(os.getpid())
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or pid == me:
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if any(os.path.basename(a.decode(errors="replace")) == process for a in argv[:3]):
            found.append(pid)
    return found


def socket_inodes(pids):
    inodes = set()
    for pid in pids:
        fd_dir = "/proc/%s/fd" % pid
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(os.path.join(fd_dir, fd))
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    return inodes


def amqp_established(inodes, port):
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if len(cols) > 9 and cols[3] == "01" and int(cols[2].split(":")[1], 16) == port and cols[9] in inodes:
                return True
    return False


def rpc_answers(config_files, topic, timeout, exchange):
    """True: the process answered; False: timeout; None: the broker could not be used (no verdict)."""
    from oslo_config import cfg
    import oslo_messaging

    # The global CONF: oslo.messaging registers some of its options (tracing) only there.
    conf = cfg.CONF
    conf.register_opt(cfg.StrOpt("host", default=socket.gethostname()))
    args = []
    for path in config_files:
        args += ["--config-file", path]
    conf(args, project="neutron", default_config_files=[])
    oslo_messaging.set_transport_defaults(control_exchange=exchange)
    transport = oslo_messaging.get_rpc_transport(conf)
    target = oslo_messaging.Target(topic=topic, server=conf.host)
    if hasattr(oslo_messaging, "get_rpc_client"):
        client = oslo_messaging.get_rpc_client(transport, target, timeout=timeout, retry=1)
    else:
        client = oslo_messaging.RPCClient(transport, target, timeout=timeout, retry=1)
    try:
        client.call({}, "oskube_health_probe")
        return True
    except oslo_messaging.MessagingTimeout:
        return False
    except oslo_messaging.RemoteError:
        return True
    except oslo_messaging.MessageDeliveryFailure:
        return None
    except Exception as e:  # the dispatcher's NoSuchMethod/UnsupportedVersion, re-raised locally
        if type(e).__name__ in ("NoSuchMethod", "UnsupportedVersion", "ExpectedException"):
            return True
        return None
    finally:
        transport.cleanup()


def ovs_clean():
    try:
        subprocess.run(["ovs-vsctl", "--timeout=10", "br-exists", "br-int"], check=True, capture_output=True)
        out = subprocess.run(["ovs-vsctl", "--timeout=10", "show"], check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        print("ovs: %s" % e)
        return False
    bad = [line.strip() for line in out.splitlines() if line.strip().startswith("error:")]
    if bad:
        print("ovs-vsctl show reports: %s" % "; ".join(bad))
    return not bad


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["liveness", "readiness"], required=True)
    p.add_argument("--process", required=True)
    p.add_argument("--config-file", action="append", default=[])
    p.add_argument("--topic")
    p.add_argument("--exchange", default="neutron", help="the service's control_exchange")
    p.add_argument("--amqp-port", type=int, default=5672)
    p.add_argument("--no-amqp", action="store_true", help="the process does not use RabbitMQ")
    p.add_argument("--rpc-timeout", type=int, default=60)
    p.add_argument("--check-ovs", action="store_true")
    p.add_argument("--check-path")
    a = p.parse_args()

    pids = pids_of(a.process)
    if not pids:
        print("%s is not running" % a.process)
        return 1
    if a.check_path and not os.path.exists(a.check_path):
        print("%s does not exist" % a.check_path)
        return 1 if a.mode == "readiness" else 0
    if a.no_amqp:
        return 0
    connected = amqp_established(socket_inodes(pids), a.amqp_port)
    if not connected:
        print("%s holds no established AMQP connection" % a.process)
        return 1 if a.mode == "readiness" else 0
    if a.topic:
        verdict = rpc_answers(a.config_file, a.topic, a.rpc_timeout, a.exchange)
        if verdict is False:
            print("%s did not answer RPC on topic %s" % (a.process, a.topic))
            return 1
        if verdict is None and a.mode == "readiness":
            print("the broker did not take the probe's RPC call")
            return 1
    if a.check_ovs and a.mode == "readiness" and not ovs_clean():
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
`;

export const PROBE_PATH = "/usr/local/bin/oskube-neutron-probe";
export const PROBE_KEY = "neutron-probe.py";

export interface RpcProbeParams {
    /** Process name as in argv, e.g. `neutron-dhcp-agent`. */
    process: string;
    configFiles: string[];
    /** The agent's RPC topic; the call goes to `<topic>.<host>`. Omit for processes without an RPC server. */
    topic?: string;
    /** The service's oslo.messaging control exchange. Default: neutron. */
    exchange?: string;
    /** The process does not talk to RabbitMQ (OVN metadata agent, Calico DHCP agent). */
    noAmqp?: boolean;
    checkOvs?: boolean;
    checkPath?: string;
}

function probeCommand(mode: string, p: RpcProbeParams): string[] {
    return [
        "python3", PROBE_PATH, "--mode", mode, "--process", p.process,
        ...p.configFiles.flatMap((f) => ["--config-file", f]),
        ...(p.topic ? ["--topic", p.topic] : []),
        ...(p.exchange ? ["--exchange", p.exchange] : []),
        ...(p.noAmqp ? ["--no-amqp"] : []),
        ...(p.checkOvs && mode === "readiness" ? ["--check-ovs"] : []),
        ...(p.checkPath ? ["--check-path", p.checkPath] : []),
    ];
}

/**
 * Probes with long timeouts: the RPC call may wait up to 60 s for a busy agent, and a restarted agent resyncs every
 * port, so liveness runs every 600 s and only after three misses.
 */
export function rpcProbes(p: RpcProbeParams): { readinessProbe: Record<string, unknown>; livenessProbe: Record<string, unknown> } {
    return {
        readinessProbe: { exec: { command: probeCommand("readiness", p) }, initialDelaySeconds: 30, periodSeconds: 90, timeoutSeconds: 80, failureThreshold: 3 },
        livenessProbe: { exec: { command: probeCommand("liveness", p) }, initialDelaySeconds: 120, periodSeconds: 600, timeoutSeconds: 80, failureThreshold: 3 },
    };
}
