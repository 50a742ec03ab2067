import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as ini from "ini";
import * as os from "os";
import * as path from "path";
import { resolveSpec } from "../../lib/spec";
import { infraEndpoints } from "../../lib/render/infra";
import { Manifest } from "../../lib/render/k8s";
import { neutronServerConfigHash, neutronServerPlaceholders, renderMl2Conf, renderNeutronConf, renderNeutronServer } from "../../lib/render/neutron";
import { agentPlaceholders, nodeIniScript, renderAgentFiles, renderNeutronAgents } from "../../lib/render/neutronAgents";
import { nodeEnvFiles } from "../../lib/render/neutronDataPlane";
import { PROBE_SCRIPT } from "../../lib/render/neutronProbe";
import { octaviaPlaceholders, renderOctavia, renderOctaviaConf } from "../../lib/render/octavia";
import { renderOvn } from "../../lib/render/ovn";
import { renderOpenVSwitch, renderVswitchdStart } from "../../lib/render/ovs";
import { devSpec, haSpec } from "../fixtures";
import { calicoSpec, dvrSpec, ovnSpec, ovsSpec } from "../fixtures-networking";

type Ini = Record<string, Record<string, string>>;
const parse = (text: string): Ini => {
    const raw = ini.parse(text) as Record<string, Record<string, unknown>>;
    return Object.fromEntries(Object.entries(raw).map(([s, o]) => [s, Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]))]));
};

const ovs = resolveSpec(ovsSpec());
const infra = infraEndpoints(ovs);

function podSpec(m: Manifest): any {
    return (m as any).spec.template.spec;
}

describe("neutron.conf against the install guide's self-service setup", () => {
    const conf = parse(renderNeutronConf(ovs, infra, { dbPassword: "dbpw", keystonePassword: "kspw", rabbitPassword: "mqpw" }));

    test.each([
        ["DEFAULT", "core_plugin", "ml2"],
        ["DEFAULT", "service_plugins", "router,metering"],
        ["DEFAULT", "auth_strategy", "keystone"],
        ["DEFAULT", "notify_nova_on_port_status_changes", "true"],
        ["DEFAULT", "notify_nova_on_port_data_changes", "true"],
        ["keystone_authtoken", "auth_type", "password"],
        ["keystone_authtoken", "project_domain_name", "Default"],
        ["keystone_authtoken", "user_domain_name", "Default"],
        ["keystone_authtoken", "project_name", "service"],
        ["keystone_authtoken", "username", "neutron"],
        ["keystone_authtoken", "password", "kspw"],
        ["nova", "auth_type", "password"],
        ["nova", "project_name", "service"],
        ["nova", "region_name", "RegionOne"],
        ["oslo_concurrency", "lock_path", "/var/lib/neutron/tmp"],
        ["oslo_messaging_rabbit", "amqp_durable_queues", "true"],
        ["agent", "report_interval", "30"],
        ["DEFAULT", "agent_down_time", "75"],
    ])("[%s] %s = %s", (section, option, value) => {
        expect(conf[section][option]).toBe(value);
    });

    test("connection URLs carry the per-service user, vhost and database", () => {
        expect(conf.DEFAULT.transport_url).toBe("rabbit://neutron:mqpw@rabbitmq-0.rabbitmq-nodes.openstack.svc.cluster.local:5672/neutron");
        expect(conf.database.connection).toBe("mysql+pymysql://neutron:dbpw@mariadb.openstack.svc.cluster.local:3306/neutron?charset=utf8");
        expect(conf.keystone_authtoken.auth_url).toBe("http://keystone-api.openstack.svc.cluster.local:5000/v3");
    });

    test("[nova] uses the neutron service user, which holds the service role Nova's events API requires", () => {
        expect(conf.nova.username).toBe("neutron");
        expect(conf.nova.password).toBe("kspw");
    });

    test("L3 HA follows the network node count and the spec", () => {
        expect(conf.DEFAULT.l3_ha).toBe("false");
        const dvr = resolveSpec(dvrSpec());
        const d = parse(renderNeutronConf(dvr, infraEndpoints(dvr), neutronServerPlaceholders()));
        expect(d.DEFAULT.l3_ha).toBe("true");
        expect(d.DEFAULT.max_l3_agents_per_router).toBe("2");
        expect(d.DEFAULT.router_distributed).toBe("true");
        expect(d.DEFAULT.dhcp_agents_per_network).toBe("2");
    });

    test("configOverrides merge over the rendered file", () => {
        const s = ovsSpec({ configOverrides: { DEFAULT: { debug: "true" }, quotas: { quota_network: "50" } } });
        const c = parse(renderNeutronConf(resolveSpec(s), infra, neutronServerPlaceholders()));
        expect(c.DEFAULT.debug).toBe("true");
        expect(c.quotas.quota_network).toBe("50");
        expect(c.DEFAULT.core_plugin).toBe("ml2");
    });

    test("the hash changes with the config and never depends on secrets", () => {
        const a = neutronServerConfigHash(ovs, infra);
        expect(neutronServerConfigHash(resolveSpec(ovsSpec()), infra)).toBe(a);
        expect(neutronServerConfigHash(resolveSpec(ovsSpec({ globalPhysnetMtu: 9000 })), infra)).not.toBe(a);
        const m = renderNeutronServer(ovs, infra, "t");
        expect(JSON.stringify(m)).not.toMatch(/dbpw|kspw|mqpw/);
    });
});

describe("ml2_conf.ini", () => {
    test("openvswitch: the install guide's options", () => {
        const c = parse(renderMl2Conf(ovs));
        expect(c.ml2).toEqual({
            type_drivers: "flat,vlan,vxlan",
            mechanism_drivers: "openvswitch,l2population",
            extension_drivers: "port_security",
            project_network_types: "vxlan",
            overlay_ip_version: "4",
        });
        expect(c.ml2_type_flat.flat_networks).toBe("physnet1");
        expect(c.ml2_type_vlan.network_vlan_ranges).toBe("physnet1:100:199");
        expect(c.ml2_type_vxlan.vni_ranges).toBe("1:1000");
        expect(c.securitygroup.enable_ipset).toBe("true");
        expect(c.ovn).toBeUndefined();
    });

    test("2025.x renders the old name tenant_network_types", () => {
        const s = ovsSpec();
        s.release = "2025.2";
        const c = parse(renderMl2Conf(resolveSpec(s)));
        expect(c.ml2.tenant_network_types).toBe("vxlan");
        expect(c.ml2.project_network_types).toBeUndefined();
    });

    test("ovn: geneve, the OVN databases, no l2population", () => {
        const c = parse(renderMl2Conf(resolveSpec(ovnSpec())));
        expect(c.ml2.mechanism_drivers).toBe("ovn");
        expect(c.ml2.type_drivers).toBe("flat,vlan,geneve");
        expect(c.ml2.project_network_types).toBe("geneve");
        expect(c.ml2_type_geneve).toEqual({ vni_ranges: "1:65536", max_header_size: "38" });
        expect(c.ovn.ovn_nb_connection).toBe("tcp:ovn-ovsdb-nb-0.ovn-ovsdb-nb-raft.openstack.svc.cluster.local:6641");
        expect(c.ovn.ovn_sb_connection).toBe("tcp:ovn-ovsdb-sb-0.ovn-ovsdb-sb-raft.openstack.svc.cluster.local:6642");
        expect(c.ovn.ovn_metadata_enabled).toBe("true");
        expect(c.ml2_type_vxlan).toBeUndefined();
    });

    test("ovn: service_plugins is ovn-router", () => {
        const o = resolveSpec(ovnSpec());
        expect(parse(renderNeutronConf(o, infraEndpoints(o), neutronServerPlaceholders())).DEFAULT.service_plugins).toBe("ovn-router");
    });

    test("calico: the calico mechanism driver and its etcd", () => {
        const c = parse(renderMl2Conf(resolveSpec(calicoSpec())));
        expect(c.ml2.mechanism_drivers).toBe("calico");
        expect(c.ml2.type_drivers).toBe("flat,local");
        expect(c.calico).toEqual({ etcd_host: "etcd.calico.svc", etcd_port: "2379" });
    });

    test("qos and trunk plugins", () => {
        const r = resolveSpec(ovsSpec({ servicePlugins: ["qos", "trunk"] }));
        expect(parse(renderMl2Conf(r)).ml2.extension_drivers).toBe("port_security,qos");
        expect(parse(renderNeutronConf(r, infra, neutronServerPlaceholders())).DEFAULT.service_plugins).toBe("router,qos,trunk");
        expect(parse(renderAgentFiles(r, infra, {}, agentPlaceholders())["openvswitch_agent.ini"]).agent.extensions).toBe("qos");
    });
});

describe("agent config files", () => {
    const files = renderAgentFiles(ovs, infra, {}, { rabbitPassword: "mqpw", metadataSecret: "mdsecret" });
    const f = (k: string) => parse(files[k]);

    test("every openvswitch-backend agent has its file", () => {
        expect(Object.keys(files).sort()).toEqual(["dhcp_agent.ini", "l3_agent.ini", "metadata_agent.ini", "metering_agent.ini", "neutron.conf", "openvswitch_agent.ini"]);
    });

    test("agents' neutron.conf carries messaging, never the database or Keystone credentials", () => {
        const c = f("neutron.conf");
        expect(c.DEFAULT.transport_url).toContain("neutron:mqpw@");
        expect(c.database).toBeUndefined();
        expect(c.keystone_authtoken).toBeUndefined();
        expect(c.agent.report_interval).toBe("30");
    });

    test("openvswitch_agent.ini (install guide + domain.md)", () => {
        const c = f("openvswitch_agent.ini");
        expect(c.ovs.integration_bridge).toBe("br-int");
        expect(c.ovs.tunnel_bridge).toBe("br-tun");
        expect(c.ovs.of_listen_address).toBe("127.0.0.1");
        expect(c.ovs.of_listen_port).toBe("6633");
        expect(c.ovs.ovsdb_connection).toBe("unix:/run/openvswitch/db.sock");
        expect(c.agent.tunnel_types).toBe("vxlan");
        expect(c.agent.l2_population).toBe("true");
        expect(c.securitygroup.firewall_driver).toBe("openvswitch");
        expect(c.securitygroup.enable_security_group).toBe("true");
        // Per node, from the init container, not from the shared file.
        expect(c.ovs.local_ip).toBeUndefined();
        expect(c.ovs.bridge_mappings).toBeUndefined();
    });

    test("dhcp_agent.ini", () => {
        expect(f("dhcp_agent.ini").DEFAULT).toEqual({
            interface_driver: "openvswitch",
            dhcp_driver: "neutron.agent.linux.dhcp.Dnsmasq",
            enable_isolated_metadata: "true",
            force_metadata: "false",
        });
    });

    test("l3_agent.ini: legacy on network nodes; dvr_snat and dvr with DVR", () => {
        expect(f("l3_agent.ini").DEFAULT).toEqual({ interface_driver: "openvswitch", agent_mode: "legacy" });
        const dvr = resolveSpec(dvrSpec());
        const d = renderAgentFiles(dvr, infraEndpoints(dvr), {}, agentPlaceholders());
        expect(parse(d["l3_agent.ini"]).DEFAULT.agent_mode).toBe("dvr_snat");
        expect(parse(d["l3_agent_dvr.ini"]).DEFAULT.agent_mode).toBe("dvr");
        expect(parse(d["openvswitch_agent.ini"]).agent.enable_distributed_routing).toBe("true");
    });

    test("metadata_agent.ini points at Nova's metadata API with the shared secret", () => {
        const c = f("metadata_agent.ini").DEFAULT;
        expect(c.nova_metadata_host).toBe("nova-metadata.openstack.svc.cluster.local");
        expect(c.nova_metadata_port).toBe("8775");
        expect(c.metadata_proxy_shared_secret).toBe("mdsecret");
        const custom = renderAgentFiles(ovs, infra, { novaMetadataHost: "nova.example", novaMetadataPort: 18775 }, agentPlaceholders());
        expect(parse(custom["metadata_agent.ini"]).DEFAULT.nova_metadata_host).toBe("nova.example");
    });

    test("metering_agent.ini uses the iptables driver (noop meters nothing)", () => {
        expect(f("metering_agent.ini").DEFAULT).toEqual({ driver: "iptables", interface_driver: "openvswitch", measure_interval: "30", report_interval: "300" });
    });

    test("ovn renders only the OVN metadata agent; calico only its DHCP agent", () => {
        const o = resolveSpec(ovnSpec());
        const of = renderAgentFiles(o, infraEndpoints(o), {}, agentPlaceholders());
        expect(Object.keys(of).sort()).toEqual(["neutron.conf", "neutron_ovn_metadata_agent.ini"]);
        expect(parse(of["neutron_ovn_metadata_agent.ini"]).ovn.ovn_sb_connection).toContain(":6642");
        const c = resolveSpec(calicoSpec());
        const cf = renderAgentFiles(c, infraEndpoints(c), {}, agentPlaceholders());
        expect(Object.keys(cf).sort()).toEqual(["calico_dhcp_agent.ini", "neutron.conf"]);
        expect(parse(cf["calico_dhcp_agent.ini"])).toEqual({ calico: { etcd_host: "etcd.calico.svc", etcd_port: "2379" } });
    });

    test("DPDK: the OVS agent uses the netdev datapath", () => {
        const d = resolveSpec(ovsSpec({ dpdk: { enabled: true, hugepages1Gi: "4Gi", pmdCpuMask: "0x6", lcoreMask: "0x1", socketMemory: [1024] } }));
        const c = parse(renderAgentFiles(d, infraEndpoints(d), {}, agentPlaceholders())["openvswitch_agent.ini"]);
        expect(c.ovs.datapath_type).toBe("netdev");
        expect(c.ovs.vhostuser_socket_dir).toBe("/run/openvswitch");
    });
});

describe("agent DaemonSets: placement, privileges and probes", () => {
    const m = renderNeutronAgents(ovs, infra, "t", {});
    const byName = Object.fromEntries(m.daemonSets.map((d) => [d.metadata.name, d]));

    test.each([
        ["neutron-ovs-agent", "openvswitch"],
        ["neutron-dhcp-agent", "openstack-network-node"],
        ["neutron-l3-agent", "l3-agent"],
        ["neutron-metadata-agent", "openstack-network-node"],
        ["neutron-metering-agent", "l3-agent"],
    ])("%s runs on %s nodes, privileged, on the host network, in the data plane", (name, label) => {
        const ds = byName[name];
        expect(ds.metadata.namespace).toBe("openstack-dataplane");
        const pod = podSpec(ds);
        expect(pod.nodeSelector).toEqual({ [label]: "enabled", "kubernetes.io/os": "linux" });
        expect(pod.hostNetwork).toBe(true);
        expect(pod.containers[0].securityContext.privileged).toBe(true);
        expect(pod.containers[0].env).toContainEqual({ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } });
    });

    test("no DVR agents without DVR; with DVR, l3 (dvr) and metadata agents also run on compute nodes", () => {
        expect(Object.keys(byName).sort()).toEqual(["neutron-dhcp-agent", "neutron-l3-agent", "neutron-metadata-agent", "neutron-metering-agent", "neutron-ovs-agent"]);
        const dvr = resolveSpec(dvrSpec());
        const d = renderNeutronAgents(dvr, infraEndpoints(dvr), "t", {}).daemonSets;
        const l3dvr = d.find((x) => x.metadata.name === "neutron-l3-agent-dvr")!;
        expect(podSpec(l3dvr).nodeSelector["openstack-compute-node"]).toBe("enabled");
        expect(d.map((x) => x.metadata.name)).toContain("neutron-metadata-agent-dvr");
        expect(d.map((x) => x.metadata.name)).not.toContain("neutron-metering-agent");
    });

    test("probes: RPC to the agent's own topic, long liveness period, readiness also checks OVS for the OVS agent", () => {
        const probe = (name: string, kind: string) => podSpec(byName[name]).containers[0][kind];
        const dhcp = probe("neutron-dhcp-agent", "readinessProbe").exec.command;
        expect(dhcp).toEqual(expect.arrayContaining(["--mode", "readiness", "--process", "neutron-dhcp-agent", "--topic", "dhcp_agent"]));
        expect(probe("neutron-l3-agent", "livenessProbe").exec.command).toEqual(expect.arrayContaining(["--mode", "liveness", "--topic", "l3_agent"]));
        expect(probe("neutron-metering-agent", "livenessProbe").exec.command).toEqual(expect.arrayContaining(["--topic", "metering_agent"]));
        expect(probe("neutron-ovs-agent", "readinessProbe").exec.command).toContain("--check-ovs");
        expect(probe("neutron-ovs-agent", "readinessProbe").exec.command).toEqual(expect.arrayContaining(["--topic", "q-agent-notifier-tunnel-update"]));
        expect(probe("neutron-ovs-agent", "livenessProbe").exec.command).not.toContain("--check-ovs");
        expect(probe("neutron-metadata-agent", "readinessProbe").exec.command).toEqual(expect.arrayContaining(["--check-path", "/var/lib/neutron/metadata_proxy"]));
        for (const ds of m.daemonSets) {
            const c = podSpec(ds).containers[0];
            expect(c.livenessProbe.periodSeconds).toBe(600);
            expect(c.livenessProbe.timeoutSeconds).toBeGreaterThanOrEqual(60);
            // The probe reads the same files as the agent, so it uses the same host and transport_url.
            expect(c.command.slice(1)).toEqual(c.readinessProbe.exec.command.filter((_: string, i: number, a: string[]) => a[i] === "--config-file" || a[i - 1] === "--config-file"));
        }
    });

    test("config comes from a Secret in the data-plane namespace; per-node data from a ConfigMap", () => {
        for (const ds of m.daemonSets) {
            const vols = podSpec(ds).volumes;
            expect(vols).toContainEqual({ name: "config", secret: { secretName: "neutron-agent-etc", defaultMode: 0o440 } });
            expect(vols).toContainEqual({ name: "nodes", configMap: { name: "neutron-agent-nodes" } });
        }
        expect(m.nodes.metadata.namespace).toBe("openstack-dataplane");
    });

    test("DHCP and L3 agents share network namespaces with the host", () => {
        const mounts = podSpec(byName["neutron-l3-agent"]).containers[0].volumeMounts;
        expect(mounts).toContainEqual({ name: "netns", mountPath: "/run/netns", mountPropagation: "Bidirectional" });
    });

    test("ovn: only the OVN metadata agent, on compute nodes", () => {
        const o = resolveSpec(ovnSpec());
        const d = renderNeutronAgents(o, infraEndpoints(o), "t", {}).daemonSets;
        expect(d.map((x) => x.metadata.name)).toEqual(["neutron-ovn-metadata-agent"]);
        expect(podSpec(d[0]).nodeSelector["openstack-compute-node"]).toBe("enabled");
    });

    test("calico: Felix and the Calico DHCP agent on compute nodes", () => {
        const c = resolveSpec(calicoSpec());
        const d = renderNeutronAgents(c, infraEndpoints(c), "t", {}).daemonSets;
        expect(d.map((x) => x.metadata.name)).toEqual(["calico-felix", "calico-dhcp-agent"]);
        for (const x of d) {
            expect(podSpec(x).nodeSelector["openstack-compute-node"]).toBe("enabled");
            expect(x.metadata.namespace).toBe("openstack-dataplane");
        }
        const env = podSpec(d[0]).containers[0].env;
        expect(env).toContainEqual({ name: "FELIX_DATASTORETYPE", value: "etcdv3" });
        expect(env).toContainEqual({ name: "FELIX_ETCDENDPOINTS", value: "http://etcd.calico.svc:2379" });
    });
});

describe("per-node local_ip and bridge_mappings", () => {
    const files = nodeEnvFiles(ovs, ovs.nodes.filter((n) => n.roles.includes("network") || n.roles.includes("compute")));

    test("one file per network and compute node, from the node pools", () => {
        expect(Object.keys(files).sort()).toEqual(["dev-compute-0.env", "dev-compute-1.env", "dev-network-0.env"]);
        expect(files["dev-network-0.env"]).toContain("BRIDGE_MAPPINGS='physnet1:br-ex'");
        expect(files["dev-network-0.env"]).toContain("BRIDGE_INTERFACES='br-ex:eth1'");
        expect(files["dev-network-0.env"]).toContain("TUNNEL_IP='10.0.1.10'");
        expect(files["dev-compute-0.env"]).toContain("BRIDGE_MAPPINGS=''");
        expect(files["dev-compute-0.env"]).toContain("TUNNEL_INTERFACE='eth0'");
    });

    function runInit(node: string, envFiles: Record<string, string>, ovsAgent = true): string {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oskube-node-"));
        for (const [k, v] of Object.entries(envFiles)) {
            fs.writeFileSync(path.join(dir, k), v);
        }
        const script = nodeIniScript(ovsAgent, true).split("/etc/oskube/nodes").join(dir).split("/run/oskube/node.ini").join(path.join(dir, "out", "node.ini"));
        execFileSync("bash", ["-c", script], { env: { ...process.env, NODE_NAME: node }, stdio: "pipe" });
        return fs.readFileSync(path.join(dir, "out", "node.ini"), "utf8");
    }

    test("the init script writes this node's host, bridge_mappings and local_ip", () => {
        const c = parse(runInit("dev-network-0", files));
        expect(c.DEFAULT.host).toBe("dev-network-0");
        expect(c.ovs).toEqual({ bridge_mappings: "physnet1:br-ex", local_ip: "10.0.1.10" });
    });

    test("a tunnel interface is resolved to its address", () => {
        const c = parse(runInit("n1", { "n1.env": "TUNNEL_INTERFACE='lo'\n" }).replace(/^local_ip = $/m, ""));
        // lo has no global address, so the route lookup decides; either way an address comes out.
        expect(c.ovs.local_ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    });

    test("agents other than the OVS agent only get their host", () => {
        const c = parse(runInit("dev-compute-0", files, false));
        expect(c).toEqual({ DEFAULT: { host: "dev-compute-0" } });
    });
});

describe("the RPC probe script", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oskube-probe-"));
    const script = path.join(dir, "probe.py");
    fs.writeFileSync(script, PROBE_SCRIPT);
    const run = (args: string[]) => {
        try {
            execFileSync("python3", [script, ...args], { stdio: "pipe" });
            return 0;
        } catch (e) {
            return (e as { status: number }).status;
        }
    };

    test("is valid Python", () => {
        execFileSync("python3", ["-m", "py_compile", script]);
    });

    test("fails both probes when the process is gone", () => {
        expect(run(["--mode", "liveness", "--process", "no-such-agent"])).toBe(1);
        expect(run(["--mode", "readiness", "--process", "no-such-agent"])).toBe(1);
    });

    test("without an AMQP connection: liveness passes (RabbitMQ down must not restart agents), readiness fails", async () => {
        const sleeper = spawn("sleep", ["30"]);
        try {
            await new Promise((r) => setTimeout(r, 200));
            expect(run(["--mode", "liveness", "--process", "sleep", "--topic", "dhcp_agent"])).toBe(0);
            expect(run(["--mode", "readiness", "--process", "sleep", "--topic", "dhcp_agent"])).toBe(1);
            expect(run(["--mode", "readiness", "--process", "sleep", "--no-amqp"])).toBe(0);
            expect(run(["--mode", "readiness", "--process", "sleep", "--no-amqp", "--check-path", path.join(dir, "missing.sock")])).toBe(1);
        } finally {
            sleeper.kill();
        }
    });
});

/** The openstack tier's venv (scripts/openstack-env.sh), which has oslo.messaging; absent on a bare checkout. */
function openstackPython(): string | undefined {
    const root = process.env.OSKUBE_OPENSTACK_DIR ?? path.join(os.homedir(), ".cache", "oskube", "openstack");
    const venvs = path.join(root, "venv");
    if (!fs.existsSync(venvs)) {
        return undefined;
    }
    return fs.readdirSync(venvs).map((d) => path.join(venvs, d, "bin", "python")).find((p) => fs.existsSync(p));
}

const RPC_CHECK = String.raw`
import importlib.util, sys, time
spec = importlib.util.spec_from_file_location("probe", sys.argv[1])
probe = importlib.util.module_from_spec(spec); spec.loader.exec_module(probe)
import oslo_messaging
from oslo_config import cfg
conf_file = sys.argv[2]
open(conf_file, "w").write("[DEFAULT]\nhost = node-a\ntransport_url = fake:/\n")
# The fake driver only connects clients and servers of one transport object.
real, shared = oslo_messaging.get_rpc_transport, {}
def one_transport(conf, url=None):
    if "t" not in shared:
        shared["t"] = real(conf, url=url)
        shared["t"].cleanup = lambda: None
    return shared["t"]
oslo_messaging.get_rpc_transport = one_transport
cfg.CONF(["--config-file", conf_file], project="x", default_config_files=[])
oslo_messaging.set_transport_defaults(control_exchange="neutron")
class Agent:
    def report_state(self, ctxt): return "ok"
server = oslo_messaging.get_rpc_server(one_transport(cfg.CONF), oslo_messaging.Target(topic="dhcp_agent", server="node-a"), [Agent()], executor="threading")
server.start(); time.sleep(0.3)
print("served=%s" % probe.rpc_answers([conf_file], "dhcp_agent", 5, "neutron"))
print("unserved=%s" % probe.rpc_answers([conf_file], "l3_agent", 2, "neutron"))
server.stop(); server.wait()
`;

describe("the RPC probe against real oslo.messaging", () => {
    const py = openstackPython();
    (py ? test : test.skip)("an agent that consumes its topic answers (RemoteError for the unknown method); none is a timeout", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oskube-rpc-"));
        fs.writeFileSync(path.join(dir, "probe.py"), PROBE_SCRIPT);
        fs.writeFileSync(path.join(dir, "check.py"), RPC_CHECK);
        const out = execFileSync(py!, [path.join(dir, "check.py"), path.join(dir, "probe.py"), path.join(dir, "agent.conf")], { stdio: "pipe", timeout: 60000 }).toString();
        expect(out).toContain("served=True");
        expect(out).toContain("unserved=False");
    }, 90000);
});

describe("Open vSwitch", () => {
    const m = renderOpenVSwitch(ovs, "t");

    test("one privileged host-network DaemonSet with ovsdb-server and ovs-vswitchd on openvswitch nodes, in the data plane", () => {
        const pod = podSpec(m.daemonSet);
        expect(m.daemonSet.metadata.namespace).toBe("openstack-dataplane");
        expect(pod.nodeSelector.openvswitch).toBe("enabled");
        expect(pod.hostNetwork).toBe(true);
        expect(pod.containers.map((c: any) => c.name)).toEqual(["ovsdb-server", "ovs-vswitchd"]);
        for (const c of pod.containers) {
            expect(c.securityContext.privileged).toBe(true);
        }
    });

    test("creates br-int, br-tun and binds each provider bridge to the node's own NIC", () => {
        const s = renderVswitchdStart(ovs);
        expect(s).toContain("add_bridge br-int");
        expect(s).toContain("add_bridge br-tun");
        expect(s).toContain(`ovs-vsctl --may-exist add-port "$br" "$nic"`);
        expect(m.nodes.data).toEqual(expect.objectContaining({ "dev-network-0.env": expect.stringContaining("BRIDGE_INTERFACES='br-ex:eth1'") }));
        expect(renderVswitchdStart(resolveSpec(ovnSpec()))).not.toContain("br-tun");
    });

    test("the start script is valid shell", () => {
        execFileSync("bash", ["-n", "-c", renderVswitchdStart(ovs)]);
    });

    test("the start script binds br-ex to this node's NIC and moves its address and routes onto the bridge", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oskube-ovs-"));
        const bin = path.join(dir, "bin");
        const log = path.join(dir, "log");
        fs.mkdirSync(bin);
        const stub = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >> ${log}\n${body}\n`, { mode: 0o755 });
        stub("ovs-vsctl", "");
        stub("ovs-vswitchd", "");
        stub("ovs-appctl", "");
        stub("ip", [
            `case "$*" in`,
            `  "-4 -o addr show dev eth1 scope global") echo "3: eth1    inet 192.168.50.7/24 brd 192.168.50.255 scope global eth1" ;;`,
            `  "-4 route show dev eth1") echo "192.168.50.0/24 proto kernel scope link src 192.168.50.7"; echo "default via 192.168.50.1" ;;`,
            `esac`,
        ].join("\n"));
        fs.mkdirSync(path.join(dir, "nodes"));
        fs.writeFileSync(path.join(dir, "nodes", "dev-network-0.env"), nodeEnvFiles(ovs, ovs.nodes)["dev-network-0.env"]);
        const run = path.join(dir, "run");
        fs.mkdirSync(run);
        execFileSync("python3", ["-c", `import socket; socket.socket(socket.AF_UNIX).bind("${run}/db.sock")`]);
        const script = renderVswitchdStart(ovs).split("/etc/oskube/nodes").join(path.join(dir, "nodes")).split("/run/openvswitch").join(run);
        execFileSync("bash", ["-c", script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NODE_NAME: "dev-network-0" }, stdio: "pipe" });
        const calls = fs.readFileSync(log, "utf8").trim().split("\n");
        const idx = (c: string) => calls.findIndex((l) => l === c);
        expect(idx("ovs-vsctl --may-exist add-br br-int")).toBeGreaterThanOrEqual(0);
        expect(idx("ovs-vsctl --may-exist add-br br-tun")).toBeGreaterThanOrEqual(0);
        expect(idx("ovs-vsctl --may-exist add-br br-ex")).toBeGreaterThanOrEqual(0);
        expect(idx("ovs-vsctl --may-exist add-port br-ex eth1")).toBeGreaterThan(idx("ovs-vsctl --may-exist add-br br-ex"));
        expect(idx("ip addr add 192.168.50.7/24 dev br-ex")).toBeGreaterThan(idx("ovs-vsctl --may-exist add-port br-ex eth1"));
        expect(idx("ip addr del 192.168.50.7/24 dev eth1")).toBeGreaterThan(idx("ip addr add 192.168.50.7/24 dev br-ex"));
        expect(calls).toContain("ip route replace default via 192.168.50.1 dev br-ex");
        expect(calls.some((l) => l.includes("proto kernel") && l.startsWith("ip route replace"))).toBe(false);
    });

    test("DPDK: hugepages resources, masks in other_config, netdev bridges", () => {
        const d = resolveSpec(ovsSpec({ dpdk: { enabled: true, hugepages1Gi: "4Gi", pmdCpuMask: "0x6", lcoreMask: "0x1", socketMemory: [1024, 1024] } }));
        const r = renderOpenVSwitch(d, "t");
        const vswitchd = podSpec(r.daemonSet).containers[1];
        expect(vswitchd.resources.limits["hugepages-1Gi"]).toBe("4Gi");
        expect(podSpec(r.daemonSet).volumes).toContainEqual({ name: "hugepages", emptyDir: { medium: "HugePages-1Gi" } });
        const s = renderVswitchdStart(d);
        expect(s).toContain(`other_config:dpdk-init="true"`);
        expect(s).toContain(`other_config:pmd-cpu-mask="0x6"`);
        expect(s).toContain(`other_config:dpdk-lcore-mask="0x1"`);
        expect(s).toContain(`other_config:dpdk-socket-mem="1024,1024"`);
        expect(s).toContain("datapath_type=netdev");
        expect(s).toContain("type=dpdk");
    });
});

describe("OVN", () => {
    const o = resolveSpec(ovnSpec());
    const m = renderOvn(o, "t");

    test("NB, SB and northd on the control plane, unprivileged", () => {
        for (const w of [m.nb[1], m.sb[1], m.northd]) {
            expect(w.metadata.namespace).toBe("openstack");
            const pod = podSpec(w);
            expect(pod.nodeSelector["openstack-control-plane"]).toBe("enabled");
            expect(pod.securityContext.runAsNonRoot).toBe(true);
            expect(pod.containers[0].securityContext.privileged).toBeUndefined();
        }
    });

    test("with three control-plane nodes each database is a three-member Raft cluster, and clients list every member", () => {
        const s = haSpec();
        s.services = { neutron: { backend: "ovn" } };
        const ha = resolveSpec(s);
        const r = renderOvn(ha, "t");
        expect((r.nb[1] as any).spec.replicas).toBe(3);
        expect(r.nb[0].metadata.name).toBe("ovn-ovsdb-nb-raft");
        expect((r.nb[0] as any).spec.publishNotReadyAddresses).toBe(true);
        expect(r.nb[2].kind).toBe("PodDisruptionBudget");
        expect(parse(renderMl2Conf(ha)).ovn.ovn_sb_connection.split(",")).toEqual([0, 1, 2].map((i) =>
            `tcp:ovn-ovsdb-sb-${i}.ovn-ovsdb-sb-raft.openstack.svc.cluster.local:6642`));
    });

    function runRaftStart(member: string, peerUp: boolean): string[] {
        const s = haSpec();
        s.services = { neutron: { backend: "ovn" } };
        const script: string = podSpec(renderOvn(resolveSpec(s), "t").nb[1]).containers[0].command[2];
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oskube-raft-"));
        const bin = path.join(dir, "bin");
        const log = path.join(dir, "log");
        fs.mkdirSync(bin);
        const stub = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >> ${log}\n${body}\n`, { mode: 0o755 });
        stub("hostname", `echo ${member}`);
        stub("ovsdb-client", peerUp ? "exit 0" : "exit 1");
        stub("ovsdb-tool", "");
        stub("ovsdb-server", "");
        execFileSync("bash", ["-c", script.split("/var/lib/ovn").join(dir)], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, stdio: "pipe" });
        return fs.readFileSync(log, "utf8").trim().split("\n").filter((l) => !l.startsWith("hostname") && !l.startsWith("ovsdb-client"));
    }

    test("member 0 founds the cluster; the others, or member 0 when a peer already serves, join it", () => {
        const self0 = "tcp:ovn-ovsdb-nb-0.ovn-ovsdb-nb-raft.openstack.svc.cluster.local:6643";
        expect(runRaftStart("ovn-ovsdb-nb-0", false)[0]).toMatch(new RegExp(`^ovsdb-tool create-cluster .*ovnnb_db.db /usr/share/ovn/ovn-nb.ovsschema ${self0}$`));
        expect(runRaftStart("ovn-ovsdb-nb-2", false)[0]).toMatch(/^ovsdb-tool join-cluster .*ovnnb_db.db OVN_Northbound tcp:ovn-ovsdb-nb-2\..*:6643 tcp:ovn-ovsdb-nb-0\./);
        expect(runRaftStart("ovn-ovsdb-nb-0", true)[0]).toMatch(/^ovsdb-tool join-cluster /);
        expect(runRaftStart("ovn-ovsdb-nb-1", false)[1]).toMatch(/^ovsdb-server .*--remote=ptcp:6641:0\.0\.0\.0/);
    });

    test("ovn-controller on openvswitch nodes in the data plane; network nodes are gateway chassis", () => {
        expect(m.controller.metadata.namespace).toBe("openstack-dataplane");
        expect(podSpec(m.controller).nodeSelector.openvswitch).toBe("enabled");
        const script = podSpec(m.controller).containers[0].command[2];
        expect(script).toContain("external_ids:ovn-encap-type=geneve");
        expect(script).toContain("ovn-cms-options=enable-chassis-as-gw");
        expect(m.nodes.data).toEqual(expect.objectContaining({ "dev-network-0.env": expect.stringContaining("GATEWAY='true'") }));
        execFileSync("bash", ["-n", "-c", script]);
    });
});

describe("neutron server and octavia workloads", () => {
    test("server: db-sync, API, RPC server and periodic workers on the control plane", () => {
        const m = renderNeutronServer(ovs, infra, "t");
        expect((m.dbSync as any).spec.template.spec.containers[0].command).toEqual([
            "neutron-db-manage", "--config-file", "/etc/neutron/neutron.conf", "--config-file", "/etc/neutron/plugins/ml2/ml2_conf.ini", "upgrade", "heads"]);
        expect(m.api[0].metadata.name).toBe("neutron-server");
        expect(m.api[1].kind).toBe("Service");
        expect((m.api[1] as any).spec.ports[0].port).toBe(9696);
        const rpc = podSpec(m.rpcServer[0]).containers[0];
        expect(rpc.readinessProbe.exec.command).toEqual(expect.arrayContaining(["--process", "neutron-rpc-server", "--topic", "q-plugin"]));
        expect(m.rpcServer.map((x) => x.kind)).toEqual(["Deployment", "PodDisruptionBudget"]);
        for (const w of [m.api[0], m.rpcServer[0], m.periodicWorkers[0], m.dbSync]) {
            expect(w.metadata.namespace).toBe("openstack");
            expect(podSpec(w).securityContext.runAsNonRoot).toBe(true);
        }
    });

    test("octavia.conf and its four processes", () => {
        const c = parse(renderOctaviaConf(ovs, infra, { ...octaviaPlaceholders(), heartbeatKey: "hbkey" }));
        expect(c.api_settings.bind_port).toBe("9876");
        expect(c.api_settings.default_provider_driver).toBe("amphora");
        expect(c.health_manager.heartbeat_key).toBe("hbkey");
        expect(c.database.connection).toContain("/octavia?");
        expect(c.oslo_messaging.topic).toBe("octavia_prov");
        expect(c.service_auth.username).toBe("octavia");
        const m = renderOctavia(ovs, infra, "t", "octavia-probe");
        expect([m.api[0], m.worker[0], m.healthManager[0], m.housekeeping[0]].map((x) => x.metadata.name)).toEqual(["octavia-api", "octavia-worker", "octavia-health-manager", "octavia-housekeeping"]);
        expect(podSpec(m.worker[0]).containers[0].readinessProbe.exec.command).toEqual(expect.arrayContaining(["--topic", "octavia_prov", "--exchange", "octavia"]));
        expect(JSON.stringify(m)).not.toContain("hbkey");
    });

    test("devSpec defaults render without throwing for every backend", () => {
        for (const s of [devSpec(), ovnSpec(), calicoSpec(), dvrSpec()]) {
            const r = resolveSpec(s);
            expect(() => renderNeutronServer(r, infraEndpoints(r), "t")).not.toThrow();
            expect(() => renderNeutronAgents(r, infraEndpoints(r), "t", {})).not.toThrow();
        }
    });
});
