/**
 * The Neutron agents of each backend, as DaemonSets on their node roles, with their config files and RPC probes.
 *
 * - openvswitch: the OVS agent on every OVS node; DHCP, L3, metadata (and metering) agents on network nodes; with
 *   DVR also `dvr` L3 agents and metadata agents on compute nodes.
 * - ovn: the OVN metadata agent on compute nodes (ovn-controller is in lib/render/ovn.ts).
 * - calico: Felix and the Calico DHCP agent on compute nodes.
 *
 * Config files live in a Secret in the data-plane namespace (the transport URL and the metadata secret are in them),
 * because pods cannot mount Secrets of another namespace.
 */
import { configHash } from "../hash";
import { imageFor } from "../images";
import { L3_AGENT_LABEL, OPENVSWITCH_LABEL, ROLE_LABELS } from "../labels";
import { ResolvedCloud } from "../spec/resolved";
import { Manifest, privilegedContainerSecurity, serviceHost, workloadLabels } from "./k8s";
import { NEUTRON_CONF, neutronTransportUrl, probeConfigMap } from "./neutron";
import { NODE_ENV_DIR, NODE_INI, NODE_NAME_ENV, dataPlaneDaemonSet, loadNodeEnvScript, nodeEnvFiles } from "./neutronDataPlane";
import { PROBE_KEY, PROBE_PATH, PROBE_SCRIPT, RpcProbeParams, rpcProbes } from "./neutronProbe";
import { InfraEndpoints, placeholder, rabbitOptions } from "./openstack";
import { OsloConfig, renderOsloIni } from "./oslo-ini";
import { ovnEndpoints } from "./ovn";
import { OVS_RUN_DIR } from "./ovs";

export const METADATA_PORT = 8775;
const METADATA_SOCKET = "/var/lib/neutron/metadata_proxy";
const OVSDB = `unix:${OVS_RUN_DIR}/db.sock`;

export function agentNames() {
    return {
        /** Agent config files, in the data-plane namespace. */
        config: "neutron-agent-etc",
        nodes: "neutron-agent-nodes",
        probe: "neutron-agent-probe",
        /** The metadata proxy shared secret, in the control-plane namespace, for Nova. */
        metadataSecret: "neutron-metadata-proxy",
    };
}

export interface AgentSecrets {
    rabbitPassword: string;
    metadataSecret: string;
}

export function agentPlaceholders(): AgentSecrets {
    return { rabbitPassword: placeholder("neutron-rabbitmq"), metadataSecret: placeholder("metadata-proxy-secret") };
}

export interface AgentOptions {
    /** Nova's metadata API host. Default: the `nova-metadata` Service of the control plane. */
    novaMetadataHost?: string;
    novaMetadataPort?: number;
}

function metadataHost(cloud: ResolvedCloud, o: AgentOptions): { host: string; port: number } {
    return {
        host: o.novaMetadataHost ?? serviceHost("nova-metadata", cloud.namespaces.controlPlane, cloud.cluster.domain),
        port: o.novaMetadataPort ?? METADATA_PORT,
    };
}

/** The agents' neutron.conf: messaging only. Agents never see the database or Keystone credentials. */
export function renderAgentNeutronConf(infra: InfraEndpoints, s: AgentSecrets): string {
    return renderOsloIni({
        DEFAULT: { transport_url: neutronTransportUrl(infra, s.rabbitPassword), use_stderr: true, debug: false },
        // The agents run as root in privileged pods, so they need no sudo/rootwrap prefix.
        agent: { report_interval: 30, root_helper: "" },
        oslo_concurrency: { lock_path: "/var/lib/neutron/tmp" },
        ...rabbitOptions(),
    });
}

function tunnelTypes(cloud: ResolvedCloud): string[] {
    return cloud.networking.neutron.typeDrivers.filter((t) => t === "vxlan");
}

export function renderOvsAgentIni(cloud: ResolvedCloud): string {
    const n = cloud.networking.neutron;
    const tunnels = tunnelTypes(cloud);
    return renderOsloIni({
        ovs: {
            integration_bridge: "br-int",
            tunnel_bridge: tunnels.length > 0 ? "br-tun" : undefined,
            ovsdb_connection: OVSDB,
            // The native os-ken OpenFlow controller (what the seed article calls the Ryu plugin).
            of_listen_address: n.openflow.listenAddress,
            of_listen_port: n.openflow.listenPort,
            datapath_type: n.dpdk.enabled ? "netdev" : undefined,
            vhostuser_socket_dir: n.dpdk.enabled ? OVS_RUN_DIR : undefined,
        },
        agent: {
            tunnel_types: tunnels,
            l2_population: true,
            arp_responder: true,
            enable_distributed_routing: n.distributed,
            extensions: n.servicePlugins.includes("qos") ? ["qos"] : undefined,
        },
        securitygroup: { firewall_driver: "openvswitch", enable_security_group: true },
    });
}

export function renderDhcpAgentIni(): string {
    return renderOsloIni({
        DEFAULT: {
            interface_driver: "openvswitch",
            dhcp_driver: "neutron.agent.linux.dhcp.Dnsmasq",
            enable_isolated_metadata: true,
            force_metadata: false,
        },
        ovs: { ovsdb_connection: OVSDB },
    });
}

export function renderL3AgentIni(cloud: ResolvedCloud, mode: string): string {
    const n = cloud.networking.neutron;
    return renderOsloIni({
        DEFAULT: { interface_driver: "openvswitch", agent_mode: mode },
        agent: { extensions: n.servicePlugins.includes("port_forwarding") ? ["port_forwarding"] : undefined },
        ovs: { ovsdb_connection: OVSDB },
    });
}

/** How a metadata agent (Neutron's or OVN's) reaches Nova's metadata API; the secret must equal Nova's. */
function metadataProxyOptions(cloud: ResolvedCloud, o: AgentOptions, secret: string): Record<string, string | number> {
    const m = metadataHost(cloud, o);
    return {
        nova_metadata_host: m.host,
        nova_metadata_port: m.port,
        nova_metadata_protocol: "http",
        metadata_proxy_shared_secret: secret,
        metadata_proxy_socket: METADATA_SOCKET,
        metadata_workers: 2,
    };
}

export function renderMetadataAgentIni(cloud: ResolvedCloud, o: AgentOptions, secret: string): string {
    return renderOsloIni({ DEFAULT: metadataProxyOptions(cloud, o, secret) });
}

export function renderMeteringAgentIni(): string {
    return renderOsloIni({
        // The default driver is noop, which meters nothing.
        DEFAULT: { driver: "iptables", interface_driver: "openvswitch", measure_interval: 30, report_interval: 300 },
    });
}

export function renderOvnMetadataAgentIni(cloud: ResolvedCloud, o: AgentOptions, secret: string): string {
    return renderOsloIni({
        DEFAULT: metadataProxyOptions(cloud, o, secret),
        ovs: { ovsdb_connection: OVSDB },
        ovn: { ovn_sb_connection: ovnEndpoints(cloud).sb },
    });
}

export function renderCalicoDhcpAgentIni(cloud: ResolvedCloud): string {
    const etcd = new URL(cloud.networking.neutron.calicoEtcdEndpoints[0]);
    const conf: OsloConfig = { calico: { etcd_host: etcd.hostname, etcd_port: Number(etcd.port || 2379) } };
    return renderOsloIni(conf);
}

/** Every agent config file of the backend, by Secret key. */
export function renderAgentFiles(cloud: ResolvedCloud, infra: InfraEndpoints, o: AgentOptions, s: AgentSecrets): Record<string, string> {
    const n = cloud.networking.neutron;
    const files: Record<string, string> = { "neutron.conf": renderAgentNeutronConf(infra, s) };
    if (n.backend === "openvswitch") {
        files["openvswitch_agent.ini"] = renderOvsAgentIni(cloud);
        files["dhcp_agent.ini"] = renderDhcpAgentIni();
        files["l3_agent.ini"] = renderL3AgentIni(cloud, n.l3AgentMode);
        if (n.distributed) {
            files["l3_agent_dvr.ini"] = renderL3AgentIni(cloud, "dvr");
        }
        files["metadata_agent.ini"] = renderMetadataAgentIni(cloud, o, s.metadataSecret);
        if (n.metering) {
            files["metering_agent.ini"] = renderMeteringAgentIni();
        }
    } else if (n.backend === "ovn") {
        files["neutron_ovn_metadata_agent.ini"] = renderOvnMetadataAgentIni(cloud, o, s.metadataSecret);
    } else if (n.backend === "calico") {
        files["calico_dhcp_agent.ini"] = renderCalicoDhcpAgentIni(cloud);
    }
    return files;
}

interface AgentDef {
    /** DaemonSet name. */
    name: string;
    component: string;
    process: string;
    nodeLabel: string;
    /** Secret key of the agent's own file and its path. */
    file?: { key: string; path: string };
    topic?: string;
    noAmqp?: boolean;
    checkOvs?: boolean;
    checkPath?: string;
    /** Writes `[ovs] bridge_mappings/local_ip` for this node. */
    ovsNodeConfig?: boolean;
    /** Needs network namespaces shared with the host (DHCP, L3, metadata proxies). */
    netns?: boolean;
}

function agentDefs(cloud: ResolvedCloud): AgentDef[] {
    const n = cloud.networking.neutron;
    const network = ROLE_LABELS.network;
    const compute = ROLE_LABELS.compute;
    if (n.backend === "openvswitch") {
        const metadata = (name: string, label: string): AgentDef => ({
            name, component: name.replace(/^neutron-/, ""), process: "neutron-metadata-agent", nodeLabel: label,
            file: { key: "metadata_agent.ini", path: "/etc/neutron/metadata_agent.ini" }, checkPath: METADATA_SOCKET, netns: true,
        });
        return [
            {
                name: "neutron-ovs-agent", component: "ovs-agent", process: "neutron-openvswitch-agent", nodeLabel: OPENVSWITCH_LABEL,
                file: { key: "openvswitch_agent.ini", path: "/etc/neutron/plugins/ml2/openvswitch_agent.ini" },
                // oslo.messaging's RPC server also consumes `<topic>.<host>` for each fanout topic; the tunnel-update
                // consumer is the one every OVS agent creates, tunnels or not (checked against Neutron 28).
                topic: "q-agent-notifier-tunnel-update", checkOvs: true, ovsNodeConfig: true,
            },
            {
                name: "neutron-dhcp-agent", component: "dhcp-agent", process: "neutron-dhcp-agent", nodeLabel: network,
                file: { key: "dhcp_agent.ini", path: "/etc/neutron/dhcp_agent.ini" }, topic: "dhcp_agent", netns: true,
            },
            {
                name: "neutron-l3-agent", component: "l3-agent", process: "neutron-l3-agent", nodeLabel: L3_AGENT_LABEL,
                file: { key: "l3_agent.ini", path: "/etc/neutron/l3_agent.ini" }, topic: "l3_agent", netns: true,
            },
            metadata("neutron-metadata-agent", network),
            ...(n.distributed ? [
                {
                    name: "neutron-l3-agent-dvr", component: "l3-agent-dvr", process: "neutron-l3-agent", nodeLabel: compute,
                    file: { key: "l3_agent_dvr.ini", path: "/etc/neutron/l3_agent.ini" }, topic: "l3_agent", netns: true,
                },
                metadata("neutron-metadata-agent-dvr", compute),
            ] : []),
            ...(n.metering ? [{
                name: "neutron-metering-agent", component: "metering-agent", process: "neutron-metering-agent", nodeLabel: L3_AGENT_LABEL,
                file: { key: "metering_agent.ini", path: "/etc/neutron/metering_agent.ini" }, topic: "metering_agent", netns: true,
            }] : []),
        ];
    }
    if (n.backend === "ovn") {
        return [{
            name: "neutron-ovn-metadata-agent", component: "ovn-metadata-agent", process: "neutron-ovn-metadata-agent", nodeLabel: compute,
            file: { key: "neutron_ovn_metadata_agent.ini", path: "/etc/neutron/neutron_ovn_metadata_agent.ini" },
            noAmqp: true, checkPath: METADATA_SOCKET, netns: true,
        }];
    }
    if (n.backend === "calico") {
        return [{
            name: "calico-dhcp-agent", component: "calico-dhcp-agent", process: "calico-dhcp-agent", nodeLabel: compute,
            file: { key: "calico_dhcp_agent.ini", path: "/etc/neutron/calico_dhcp_agent.ini" }, noAmqp: true, netns: true,
        }];
    }
    return [];
}

/** The init script that writes this node's `[DEFAULT] host` (and for the OVS agent, `[ovs]`) into node.ini. */
export function nodeIniScript(ovs: boolean, tunnels: boolean): string {
    return [
        loadNodeEnvScript(ovs && tunnels),
        `mkdir -p "$(dirname ${NODE_INI})"`,
        "{",
        `  echo "[DEFAULT]"; echo "host = $NODE_NAME"`,
        ...(ovs ? [
            `  echo "[ovs]"; echo "bridge_mappings = $BRIDGE_MAPPINGS"`,
            ...(tunnels ? [`  echo "local_ip = $TUNNEL_IP"`] : []),
        ] : []),
        `} > ${NODE_INI}`,
        `cat ${NODE_INI}`,
    ].join("\n");
}

function felixDaemonSet(cloud: ResolvedCloud, instance: string): Manifest {
    const n = cloud.networking.neutron;
    const env = {
        FELIX_DATASTORETYPE: "etcdv3",
        FELIX_ETCDENDPOINTS: n.calicoEtcdEndpoints.join(","),
        // Instances' tap devices are the endpoints Felix polices and routes.
        FELIX_INTERFACEPREFIX: "tap",
        FELIX_METADATAADDR: metadataHost(cloud, {}).host,
        FELIX_METADATAPORT: String(METADATA_PORT),
        FELIX_DEFAULTENDPOINTTOHOSTACTION: "ACCEPT",
        FELIX_HEALTHENABLED: "true",
        FELIX_LOGSEVERITYSCREEN: "info",
    };
    const probe = (path: string) => ({ httpGet: { path, port: 9099, host: "localhost" }, periodSeconds: 10, timeoutSeconds: 5 });
    return dataPlaneDaemonSet({
        cloud, name: "calico-felix", service: "calico", component: "felix", instance, nodeLabel: ROLE_LABELS.compute,
        configHash: configHash(JSON.stringify(env)),
        containers: [{
            name: "felix",
            image: imageFor(cloud.images, cloud.release, "calico"),
            command: ["calico-node", "-felix"],
            env: [{ name: "FELIX_FELIXHOSTNAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                ...Object.entries(env).map(([name, value]) => ({ name, value }))],
            readinessProbe: { ...probe("/readiness"), initialDelaySeconds: 10 },
            livenessProbe: { ...probe("/liveness"), initialDelaySeconds: 30, failureThreshold: 6 },
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
            securityContext: privilegedContainerSecurity(),
            volumeMounts: [
                { name: "modules", mountPath: "/lib/modules", readOnly: true },
                { name: "xtables-lock", mountPath: "/run/xtables.lock" },
                { name: "var-run-calico", mountPath: "/var/run/calico" },
            ],
        }],
        volumes: [
            { name: "modules", hostPath: { path: "/lib/modules", type: "Directory" } },
            { name: "xtables-lock", hostPath: { path: "/run/xtables.lock", type: "FileOrCreate" } },
            { name: "var-run-calico", hostPath: { path: "/var/run/calico", type: "DirectoryOrCreate" } },
        ],
    });
}

export interface AgentManifests {
    /** Per-node data, in the data-plane namespace. */
    nodes: Manifest;
    probe: Manifest;
    daemonSets: Manifest[];
}

export function renderNeutronAgents(cloud: ResolvedCloud, infra: InfraEndpoints, instance: string, o: AgentOptions): AgentManifests {
    const names = agentNames();
    const ns = cloud.namespaces.dataPlane;
    const image = imageFor(cloud.images, cloud.release, "neutron");
    const files = renderAgentFiles(cloud, infra, o, agentPlaceholders());
    const agentNodes = cloud.nodes.filter((x) => x.roles.includes("network") || x.roles.includes("compute"));
    const nodeFiles = nodeEnvFiles(cloud, agentNodes);
    const tunnels = tunnelTypes(cloud).length > 0;
    const daemonSets = agentDefs(cloud).map((a) => {
        const configFiles = [NEUTRON_CONF, ...(a.file ? [a.file.path] : []), NODE_INI];
        const probe: RpcProbeParams = { process: a.process, configFiles, topic: a.topic, noAmqp: a.noAmqp, checkOvs: a.checkOvs, checkPath: a.checkPath };
        const init = nodeIniScript(!!a.ovsNodeConfig, tunnels);
        const hash = configHash(files["neutron.conf"], a.file ? files[a.file.key] : "", init, JSON.stringify(nodeFiles));
        const mounts = [
            { name: "config", mountPath: NEUTRON_CONF, subPath: "neutron.conf", readOnly: true },
            ...(a.file ? [{ name: "config", mountPath: a.file.path, subPath: a.file.key, readOnly: true }] : []),
            { name: "node-config", mountPath: "/run/oskube" },
            { name: "probe", mountPath: PROBE_PATH, subPath: PROBE_KEY, readOnly: true },
            { name: "state", mountPath: "/var/lib/neutron" },
            { name: "ovs-run", mountPath: OVS_RUN_DIR },
            { name: "modules", mountPath: "/lib/modules", readOnly: true },
            { name: "xtables-lock", mountPath: "/run/xtables.lock" },
            // Namespaces the agent creates (qrouter-, qdhcp-, ovnmeta-) must outlive the container and be seen by the host.
            ...(a.netns ? [{ name: "netns", mountPath: "/run/netns", mountPropagation: "Bidirectional" }] : []),
        ];
        return dataPlaneDaemonSet({
            cloud, name: a.name, service: "neutron", component: a.component, instance, nodeLabel: a.nodeLabel, configHash: hash,
            initContainers: [{
                name: "node-config",
                image,
                command: ["/bin/bash", "-c", init],
                env: [NODE_NAME_ENV],
                resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } },
                securityContext: privilegedContainerSecurity(),
                volumeMounts: [{ name: "nodes", mountPath: NODE_ENV_DIR, readOnly: true }, { name: "node-config", mountPath: "/run/oskube" }],
            }],
            containers: [{
                name: a.component,
                image,
                command: [a.process, ...configFiles.flatMap((f) => ["--config-file", f])],
                env: [NODE_NAME_ENV],
                ...rpcProbes(probe),
                resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
                securityContext: privilegedContainerSecurity(),
                volumeMounts: mounts,
            }],
            volumes: [
                { name: "config", secret: { secretName: names.config, defaultMode: 0o440 } },
                { name: "nodes", configMap: { name: names.nodes } },
                { name: "node-config", emptyDir: {} },
                { name: "probe", configMap: { name: names.probe, defaultMode: 0o555 } },
                { name: "state", hostPath: { path: "/var/lib/neutron", type: "DirectoryOrCreate" } },
                { name: "ovs-run", hostPath: { path: OVS_RUN_DIR, type: "DirectoryOrCreate" } },
                { name: "modules", hostPath: { path: "/lib/modules", type: "Directory" } },
                { name: "xtables-lock", hostPath: { path: "/run/xtables.lock", type: "FileOrCreate" } },
                ...(a.netns ? [{ name: "netns", hostPath: { path: "/run/netns", type: "DirectoryOrCreate" } }] : []),
            ],
        });
    });
    if (cloud.networking.neutron.backend === "calico") {
        daemonSets.unshift(felixDaemonSet(cloud, instance));
    }
    const labels = workloadLabels("neutron", "agents", instance).labels;
    return {
        nodes: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: names.nodes, namespace: ns, labels }, data: nodeFiles },
        probe: probeConfigMap(names.probe, ns, labels, PROBE_SCRIPT),
        daemonSets,
    };
}
