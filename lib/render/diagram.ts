/**
 * A picture of a cloud, drawn like the Neutron guide's network-layout figure that the article shows: the node pools
 * with what runs on each, wired to the management, provider and tenant (overlay) networks and their routers and
 * gateways. Renders Graphviz DOT text; scripts/diagram.ts turns it into SVG. Pure.
 */
import { ResolvedCloud } from "../spec/resolved";
import { NetworkLayoutSpec, NodeRole, ProviderNetworkSpec } from "../spec/types";

const COLORS = {
    control: "#dbe9f6",
    network: "#fde9cf",
    compute: "#e1f3d8",
    storage: "#efe0f5",
    management: "#1f77b4",
    provider: "#d62728",
    tenant: "#2ca02c",
    overlay: "#7f7f7f",
    storageNet: "#9467bd",
};

/** Escapes a string for a double-quoted DOT label. `\n` in the input stays a line break. */
export function dotString(s: string, leftAligned = false): string {
    const body = s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
    return leftAligned ? `"${body.replace(/\n/g, "\\l")}\\l"` : `"${body.replace(/\n/g, "\\n")}"`;
}

function id(prefix: string, name: string): string {
    return `${prefix}_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/** What oskube runs on nodes of a role, as a person would list it. */
export function workloadsOn(cloud: ResolvedCloud, role: NodeRole, nodePool: string): string[] {
    const backend = cloud.networking.backend;
    const infra = cloud.infrastructure;
    const ovs = backend === "openvswitch" || backend === "ovn";
    switch (role) {
        case "control-plane":
            return [
                `MariaDB Galera x${infra.mariadb.replicas}, RabbitMQ x${infra.rabbitmq.replicas}, memcached x${infra.memcached.replicas}`,
                "Keystone, Glance, Placement",
                "Nova api, metadata, scheduler, conductor, novncproxy",
                `Neutron server (ML2 ${backend})`,
                ...(cloud.compute.cinderEnabled ? ["Cinder api, scheduler, volume (RBD)"] : []),
            ];
        case "network":
            if (backend === "openvswitch") {
                return ["Open vSwitch (br-int, br-tun, provider bridges)", "L3, DHCP, metadata agents", "OVS agent (native OpenFlow)"];
            }
            return backend === "ovn" ? ["Open vSwitch, ovn-controller", "OVN gateway chassis"] : ["Calico Felix, BIRD (BGP)", "DHCP agent"];
        case "compute": {
            const pool = cloud.compute.pools.find((p) => p.nodePools.includes(nodePool));
            const hv = pool
                ? `libvirt + nova-compute (${pool.name}: ${pool.virtType}, ${pool.cpuMode === "custom" ? pool.cpuModels.join("/") : pool.cpuMode}, disks ${pool.ephemeralBackend})`
                : "no compute pool";
            const vms = cloud.compute.kubevirtVms.map((v) => v.name);
            return [hv, ovs ? "Open vSwitch + OVS agent" : "Calico Felix", ...(vms.length > 0 ? [`KubeVirt VM pods: ${vms.join(", ")}`] : [])];
        }
        case "storage":
            return cloud.compute.storageEnabled
                ? [`Ceph mon/mgr/osd via Rook (${cloud.compute.storage.monitors} mon, ${cloud.compute.storage.poolReplicas}x pools)`]
                : ["storage role (Ceph disabled)"];
    }
}

/** `/dev/sdb` → `sdb`; long by-id names keep their distinguishing end. */
export function shortDevice(dev: string): string {
    const d = dev.replace(/^\/dev\/(disk\/by-[a-z]+\/)?/, "");
    return d.length > 18 ? `…${d.slice(-12)}` : d;
}

function roleColor(roles: NodeRole[]): string {
    if (roles.includes("control-plane")) {
        return COLORS.control;
    }
    if (roles.includes("network")) {
        return COLORS.network;
    }
    if (roles.includes("compute")) {
        return COLORS.compute;
    }
    return COLORS.storage;
}

function subnetsText(net: { subnets: { name: string; cidr: string; gateway?: string }[] }): string {
    return net.subnets.map((s) => `${s.cidr}${s.gateway && s.gateway !== "none" ? ` gw ${s.gateway}` : ""}`).join("\n");
}

function firstGateway(net: ProviderNetworkSpec): string | undefined {
    const gw = net.subnets.find((s) => s.gateway && s.gateway !== "none")?.gateway;
    return gw;
}

/** The cloud as a Graphviz graph, top to bottom: Internet, gateways, networks, node pools. */
export function renderDiagramDot(cloud: ResolvedCloud, title: string): string {
    const layout: NetworkLayoutSpec = cloud.raw.networks ?? {};
    const lines: string[] = [
        "digraph cloud {",
        `  graph [rankdir=TB, fontname="Helvetica", fontsize=20, labelloc=t, label=${dotString(`${title}: OpenStack ${cloud.release} on Kubernetes`)}, pad=0.4, nodesep=0.5, ranksep=0.9, splines=true, compound=true, newrank=true];`,
        '  node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled", fillcolor=white, margin="0.4,0.12"];',
        '  edge [fontname="Helvetica", fontsize=9, dir=none, penwidth=2];',
        `  internet [label="Internet", shape=ellipse, fillcolor="#f2f2f2"];`,
    ];
    const mgmt = layout.management;
    const providers = layout.provider ?? [];
    const tenants = layout.tenants ?? [];
    const routers = layout.routers ?? [];
    const backend = cloud.networking.backend;

    // Networks: wide bars, as in the figure.
    const bar = (nid: string, label: string, color: string) =>
        lines.push(`  ${nid} [label=${dotString(label)}, shape=box, style="filled", fillcolor=${dotString(color)}, fontcolor=white, width=9, height=0.5];`);
    const mgmtId = "net_management";
    bar(mgmtId, mgmt ? `Management network ${mgmt.name}\n${subnetsText(mgmt)}` : "Management network (nodes' admin network)", COLORS.management);
    if (mgmt && firstGateway(mgmt)) {
        lines.push(`  gw_management [label=${dotString(`gateway ${firstGateway(mgmt)}\n(NAT: DNS, NTP, updates)`)}, shape=box, fillcolor="#f2f2f2"];`);
        lines.push(`  internet -> gw_management [color=${dotString(COLORS.management)}];`);
        lines.push(`  gw_management -> ${mgmtId} [color=${dotString(COLORS.management)}];`);
    } else {
        lines.push(`  internet -> ${mgmtId} [color=${dotString(COLORS.management)}, style=dashed];`);
    }
    const providerIds = providers.map((p) => {
        const pid = id("net_provider", p.name);
        bar(pid, `Provider network ${p.name} (${p.type ?? "flat"} on ${p.physnet}${p.segmentationId ? `, VLAN ${p.segmentationId}` : ""})\n${subnetsText(p)}`, COLORS.provider);
        const gw = firstGateway(p);
        const gid = id("gw_provider", p.name);
        lines.push(`  ${gid} [label=${dotString(`gateway ${gw ?? "(none)"}`)}, shape=box, fillcolor="#f2f2f2"];`);
        lines.push(`  internet -> ${gid} [color=${dotString(COLORS.provider)}];`);
        lines.push(`  ${gid} -> ${pid} [color=${dotString(COLORS.provider)}];`);
        return { spec: p, id: pid };
    });
    if (providers.length === 0) {
        bar("net_provider_none", "Provider network (none declared)", COLORS.provider);
    }
    const overlayType = backend === "ovn" ? "Geneve" : backend === "calico" ? "routed (BGP)" : "VXLAN";
    const overlayId = "net_overlay";
    bar(overlayId, `Overlay network (${overlayType} tunnels between network and compute nodes)`, COLORS.overlay);

    // Tenant networks and routers, hosted by the network nodes' L3 agents.
    const subnetOwner = new Map<string, string>();
    for (const t of tenants) {
        const tid = id("net_tenant", t.name);
        lines.push(`  ${tid} [label=${dotString(`Tenant network ${t.name} (${t.type ?? "overlay"})\n${subnetsText(t)}`)}, shape=box, style="rounded,filled", fillcolor=${dotString(COLORS.tenant)}, fontcolor=white];`);
        t.subnets.forEach((s) => subnetOwner.set(s.name, tid));
        lines.push(`  ${tid} -> ${overlayId} [color=${dotString(COLORS.tenant)}, style=dashed, label="carried over"];`);
    }
    for (const r of routers) {
        const rid = id("router", r.name);
        lines.push(`  ${rid} [label=${dotString(`router\n${r.name}${r.ha ? " (HA)" : ""}${r.distributed ? " (DVR)" : ""}`)}, shape=circle, fillcolor="#ffe680", fixedsize=false];`);
        const ext = providerIds.find((p) => p.spec.name === r.externalNetwork);
        if (ext) {
            lines.push(`  ${ext.id} -> ${rid} [color=${dotString(COLORS.provider)}, label="gateway"];`);
        }
        for (const s of r.interfaces ?? []) {
            const tid = subnetOwner.get(s);
            if (tid) {
                lines.push(`  ${rid} -> ${tid} [color=${dotString(COLORS.tenant)}, label=${dotString(s)}];`);
            }
        }
    }

    // Node pools with what runs on them.
    const storageNetNeeded = cloud.compute.storageEnabled;
    if (storageNetNeeded) {
        bar("net_storage", "Ceph RBD (pools: images, volumes, vms, kubernetes)", COLORS.storageNet);
    }
    for (const pool of cloud.nodePools) {
        const pid = id("pool", pool.name);
        const roles = pool.roles;
        const runs = [...new Set(roles.flatMap((r) => workloadsOn(cloud, r, pool.name)))];
        const nodes = pool.nodes.map((n) => {
            const nics = Object.entries(n.bridgeInterfaces).map(([b, nic]) => `${b}:${nic}`).join(" ");
            const osd = n.osdDevices.length > 0 ? ` osd:${n.osdDevices.map(shortDevice).join(",")}` : "";
            return `${n.name}${nics ? ` [${nics}]` : ""}${osd}`;
        });
        const label = [`${pool.name} (${roles.join(", ")}) x${pool.nodes.length}`, ...nodes.map((n) => `  ${n}`), "runs:", ...runs.map((r) => `- ${r}`)].join("\n");
        lines.push(`  ${pid} [label=${dotString(label, true)}, fillcolor=${dotString(roleColor(roles))}];`);
        lines.push(`  ${mgmtId} -> ${pid} [color=${dotString(COLORS.management)}];`);
        const onDataPlane = roles.includes("network") || roles.includes("compute");
        if (onDataPlane) {
            lines.push(`  ${overlayId} -> ${pid} [color=${dotString(COLORS.overlay)}];`);
        }
        if (roles.includes("network")) {
            for (const p of providerIds) {
                const bridge = cloud.raw.services?.neutron?.physnets?.find((x) => x.name === p.spec.physnet)?.bridge ?? "br-ex";
                lines.push(`  ${p.id} -> ${pid} [color=${dotString(COLORS.provider)}, label=${dotString(bridge)}];`);
            }
        }
        if (storageNetNeeded && (roles.includes("storage") || roles.includes("compute") || roles.includes("control-plane"))) {
            lines.push(`  net_storage -> ${pid} [color=${dotString(COLORS.storageNet)}, style=dotted, label=${dotString(roles.includes("storage") ? "OSDs" : "RBD clients")}];`);
        }
    }
    // Keep the figure's order: Internet, gateways, networks, then nodes.
    lines.push(`  { rank=same; ${[mgmtId, ...providerIds.map((p) => p.id), ...(providers.length === 0 ? ["net_provider_none"] : [])].join("; ")}; }`);
    lines.push(`  { rank=same; ${cloud.nodePools.map((p) => id("pool", p.name)).join("; ")}; }`);
    lines.push("}");
    return lines.join("\n") + "\n";
}
