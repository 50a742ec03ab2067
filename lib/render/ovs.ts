/**
 * Open vSwitch on every `openvswitch=enabled` node: one DaemonSet whose pods run ovsdb-server and ovs-vswitchd, on
 * the host network, privileged, in the data-plane namespace. ovs-vswitchd's start script creates br-int, br-tun
 * (openvswitch backend) and each provider bridge, and binds the bridge to this node's own NIC.
 */
import { configHash } from "../hash";
import { imageFor } from "../images";
import { OPENVSWITCH_LABEL } from "../labels";
import { ResolvedCloud } from "../spec/resolved";
import { Manifest, privilegedContainerSecurity, workloadLabels } from "./k8s";
import { NODE_ENV_DIR, NODE_NAME_ENV, dataPlaneDaemonSet, loadNodeEnvScript, nodeEnvFiles } from "./neutronDataPlane";

export const OVS_RUN_DIR = "/run/openvswitch";

export function ovsNames() {
    return { daemonSet: "openvswitch", nodes: "openvswitch-nodes", scripts: "openvswitch-scripts" };
}

export function renderOvsdbStart(): string {
    return [
        "set -e",
        "db=/var/lib/openvswitch/conf.db",
        "schema=/usr/share/openvswitch/vswitch.ovsschema",
        `[ -f "$db" ] || ovsdb-tool create "$db" "$schema"`,
        `if [ "$(ovsdb-tool needs-conversion "$db" "$schema")" = yes ]; then ovsdb-tool convert "$db" "$schema"; fi`,
        `exec ovsdb-server "$db" --remote=punix:${OVS_RUN_DIR}/db.sock --remote=db:Open_vSwitch,Open_vSwitch,manager_options ` +
        `--pidfile=${OVS_RUN_DIR}/ovsdb-server.pid --unixctl=${OVS_RUN_DIR}/ovsdb-server.ctl`,
    ].join("\n");
}

/** DPDK's `other_config` keys, from the validated spec. */
export function dpdkOtherConfig(cloud: ResolvedCloud): Record<string, string> {
    const d = cloud.networking.neutron.dpdk;
    if (!d.enabled) {
        return {};
    }
    return {
        "dpdk-init": "true",
        "dpdk-lcore-mask": d.lcoreMask ?? "",
        "pmd-cpu-mask": d.pmdCpuMask ?? "",
        ...(d.socketMemory.length > 0 ? { "dpdk-socket-mem": d.socketMemory.join(",") } : {}),
        "dpdk-hugepage-dir": "/dev/hugepages",
    };
}

/**
 * ovs-vswitchd's start: initialise the database, apply DPDK settings, start vswitchd, then create the bridges. A NIC
 * bound to a provider bridge loses its addresses and routes to the bridge, so the node keeps its connectivity.
 */
export function renderVswitchdStart(cloud: ResolvedCloud): string {
    const n = cloud.networking.neutron;
    const dpdk = n.dpdk.enabled;
    const datapath = dpdk ? " -- set bridge \"$br\" datapath_type=netdev" : "";
    const other = Object.entries(dpdkOtherConfig(cloud)).map(([k, v]) => `other_config:${k}="${v}"`).join(" ");
    const tunnels = n.backend === "openvswitch" && n.typeDrivers.some((t) => t === "vxlan" || t === "geneve");
    return [
        loadNodeEnvScript(false),
        `until [ -S ${OVS_RUN_DIR}/db.sock ]; do echo "waiting for ovsdb-server"; sleep 1; done`,
        "ovs-vsctl --no-wait init",
        ...(other ? [`ovs-vsctl --no-wait set open_vswitch . ${other}`] : []),
        `ovs-vswitchd unix:${OVS_RUN_DIR}/db.sock --pidfile=${OVS_RUN_DIR}/ovs-vswitchd.pid --mlockall &`,
        "vswitchd=$!",
        "trap 'ovs-appctl -t ovs-vswitchd exit; wait $vswitchd' TERM INT",
        `add_bridge() { br="$1"; ovs-vsctl --may-exist add-br "$br"${datapath}; ip link set "$br" up 2>/dev/null || true; }`,
        "add_bridge br-int",
        ...(tunnels ? ["add_bridge br-tun"] : []),
        "for pair in $(echo \"$BRIDGE_INTERFACES\" | tr ',' ' '); do",
        "  br=${pair%%:*}; nic=${pair#*:}",
        "  add_bridge \"$br\"",
        ...(dpdk ? [
            // DPDK addresses the NIC by its PCI address, read while the kernel still shows the NIC.
            "  pci=$(basename \"$(readlink -f /sys/class/net/\"$nic\"/device)\")",
            "  ovs-vsctl --may-exist add-port \"$br\" \"$nic\" -- set interface \"$nic\" type=dpdk options:dpdk-devargs=\"$pci\"",
        ] : [
            "  if ! ip link show \"$nic\" >/dev/null 2>&1; then echo \"oskube: NIC $nic of $br does not exist on $NODE_NAME\" >&2; exit 1; fi",
            "  routes=$(ip -4 route show dev \"$nic\" | grep -v 'proto kernel' || true)",
            "  addrs=$(ip -4 -o addr show dev \"$nic\" scope global | awk '{print $4}')",
            "  ovs-vsctl --may-exist add-port \"$br\" \"$nic\"",
            "  ip link set \"$nic\" up",
            "  for a in $addrs; do ip addr add \"$a\" dev \"$br\" 2>/dev/null || true; ip addr del \"$a\" dev \"$nic\"; done",
            "  echo \"$routes\" | while read -r r; do [ -n \"$r\" ] && ip route replace $r dev \"$br\" 2>/dev/null || true; done",
        ]),
        "done",
        "wait $vswitchd",
    ].join("\n");
}

export interface OvsManifests {
    nodes: Manifest;
    scripts: Manifest;
    daemonSet: Manifest;
}

export function renderOpenVSwitch(cloud: ResolvedCloud, instance: string): OvsManifests {
    const names = ovsNames();
    const ns = cloud.namespaces.dataPlane;
    const { labels } = workloadLabels("openvswitch", "vswitch", instance);
    const image = imageFor(cloud.images, cloud.release, "openvswitch");
    const ovsNodes = cloud.nodes.filter((x) => x.roles.includes("network") || x.roles.includes("compute"));
    const nodeFiles = nodeEnvFiles(cloud, ovsNodes);
    const scripts = { "ovsdb-start.sh": renderOvsdbStart(), "vswitchd-start.sh": renderVswitchdStart(cloud) };
    const d = cloud.networking.neutron.dpdk;
    const hugepages: Record<string, string> = {};
    if (d.enabled && d.hugepages1Gi) {
        hugepages["hugepages-1Gi"] = d.hugepages1Gi;
    }
    if (d.enabled && d.hugepages2Mi) {
        hugepages["hugepages-2Mi"] = d.hugepages2Mi;
    }
    const common = {
        image,
        env: [NODE_NAME_ENV],
        securityContext: privilegedContainerSecurity(),
    };
    const run = { name: "run", mountPath: OVS_RUN_DIR };
    return {
        nodes: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: names.nodes, namespace: ns, labels }, data: nodeFiles },
        scripts: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: names.scripts, namespace: ns, labels }, data: scripts },
        daemonSet: dataPlaneDaemonSet({
            cloud, name: names.daemonSet, service: "openvswitch", component: "vswitch", instance, nodeLabel: OPENVSWITCH_LABEL,
            configHash: configHash(JSON.stringify(scripts), JSON.stringify(nodeFiles)),
            initContainers: [{
                name: "modules",
                ...common,
                command: ["/bin/sh", "-c", "modprobe openvswitch && (modprobe vxlan || true) && (modprobe geneve || true)"],
                resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } },
                volumeMounts: [{ name: "modules", mountPath: "/lib/modules", readOnly: true }],
            }],
            containers: [
                {
                    name: "ovsdb-server",
                    ...common,
                    command: ["/bin/bash", "/etc/oskube/ovsdb-start.sh"],
                    readinessProbe: { exec: { command: ["ovsdb-client", "list-dbs", `unix:${OVS_RUN_DIR}/db.sock`] }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5 },
                    livenessProbe: { exec: { command: ["ovsdb-client", "list-dbs", `unix:${OVS_RUN_DIR}/db.sock`] }, initialDelaySeconds: 30, periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 5 },
                    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
                    volumeMounts: [run, { name: "db", mountPath: "/var/lib/openvswitch" }, { name: "scripts", mountPath: "/etc/oskube/ovsdb-start.sh", subPath: "ovsdb-start.sh", readOnly: true }],
                },
                {
                    name: "ovs-vswitchd",
                    ...common,
                    command: ["/bin/bash", "/etc/oskube/vswitchd-start.sh"],
                    readinessProbe: { exec: { command: ["ovs-appctl", "-t", "ovs-vswitchd", "version"] }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5 },
                    livenessProbe: { exec: { command: ["ovs-appctl", "-t", "ovs-vswitchd", "version"] }, initialDelaySeconds: 60, periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 5 },
                    resources: {
                        requests: { cpu: "100m", memory: d.enabled ? "1Gi" : "256Mi", ...hugepages },
                        limits: { memory: d.enabled ? "2Gi" : "1Gi", ...hugepages },
                    },
                    volumeMounts: [
                        run,
                        { name: "scripts", mountPath: "/etc/oskube/vswitchd-start.sh", subPath: "vswitchd-start.sh", readOnly: true },
                        { name: "nodes", mountPath: NODE_ENV_DIR, readOnly: true },
                        { name: "modules", mountPath: "/lib/modules", readOnly: true },
                        { name: "sys", mountPath: "/sys" },
                        ...(d.enabled ? [{ name: "hugepages", mountPath: "/dev/hugepages" }] : []),
                    ],
                },
            ],
            volumes: [
                { name: "run", hostPath: { path: OVS_RUN_DIR, type: "DirectoryOrCreate" } },
                // The bridge and port database outlives pod restarts, so a restart does not drop every VM port.
                { name: "db", hostPath: { path: "/var/lib/openvswitch", type: "DirectoryOrCreate" } },
                { name: "modules", hostPath: { path: "/lib/modules", type: "Directory" } },
                { name: "sys", hostPath: { path: "/sys", type: "Directory" } },
                { name: "scripts", configMap: { name: names.scripts, defaultMode: 0o555 } },
                { name: "nodes", configMap: { name: names.nodes } },
                ...(d.enabled ? [{ name: "hugepages", emptyDir: { medium: d.hugepages1Gi ? "HugePages-1Gi" : "HugePages-2Mi" } }] : []),
            ],
        }),
    };
}
