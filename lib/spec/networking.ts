/**
 * Networking part of the spec: Neutron and its ML2 backend, the agents, Open vSwitch, Octavia and the OpenStack-side
 * network layout. `resolveNetworking` fills in defaults; `checkNetworking` reports every problem, including the whole
 * layout (CIDR overlaps, gateways, pools, VLAN and VNI ranges, physnet coverage), before any resource is registered.
 */
import * as ipaddr from "ipaddr.js";
import { IssueList, SpecIssue } from "../errors";
import { resolveCompute } from "./compute";
import { isCidr, isDnsSubdomain, isHttpUrl, isInterfaceName, isIp, isPositiveInt, isQuantity, oneOf, shown } from "./checks";
import { checkApiService, resolveApiService, resolveFoundation } from "./foundation";
import type { ResolvedApiService, ResolvedCloud, ResolvedNode } from "./resolved";
import { CloudSpec, NetworkLayoutSpec, NeutronSpec, ProviderNetworkSpec, SubnetSpec, TenantNetworkSpec, VlanRangeSpec } from "./types";

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------------------------

export const BACKENDS = ["openvswitch", "ovn", "calico"];
export const TYPE_DRIVERS = ["flat", "vlan", "vxlan", "geneve", "local"];
/** Service plugins a user may add; the router plugin is always there (`ovn-router` with OVN). */
export const SERVICE_PLUGINS = ["metering", "trunk", "qos", "segments", "port_forwarding"];
export const EXTRA_MECHANISM_DRIVERS = ["sriovnicswitch", "baremetal", "macvtap"];
/** Agent modes of the L3 agents on network nodes. Compute nodes run `dvr` when network nodes run `dvr_snat`. */
export const NETWORK_NODE_L3_MODES = ["legacy", "dvr_snat"];
export const MAX_VNI = 16777215;
/** Legacy names from the seed article that no longer exist, with the reason; see docs/networking.md. */
const LEGACY_BACKENDS: Record<string, { message: string; fix: string }> = {
    linuxbridge: {
        message: "the linuxbridge mechanism driver and agent were removed in 2025.1 (Epoxy, Neutron 26.0.0)",
        fix: `use backend "openvswitch" (the same agent-based model, with l2population) or "ovn"`,
    },
    ryu: {
        message: "the Ryu plugin was removed in Kilo and OFAgent in Newton; the OVS agent now embeds os-ken (a Ryu fork) as its native OpenFlow controller",
        fix: `use backend "openvswitch"; its built-in controller listens on services.neutron.openflow (of_listen_address/of_listen_port, default 127.0.0.1:6633)`,
    },
    ofagent: {
        message: "OFAgent was removed in Newton; the OVS agent's native os-ken OpenFlow controller replaced it",
        fix: `use backend "openvswitch" and services.neutron.openflow for of_listen_address/of_listen_port`,
    },
    lbaas: {
        message: "neutron-lbaas is a service, not an ML2 backend, and it was retired in Train; Octavia replaced it",
        fix: `keep backend "openvswitch" and set services.octavia.enabled: true`,
    },
};
const LBAAS_NAMES = ["lbaas", "lbaasv2", "neutron_lbaas", "neutron-lbaas"];

// ---------------------------------------------------------------------------------------------------------------
// Resolved shape
// ---------------------------------------------------------------------------------------------------------------

export interface ResolvedPhysnet {
    name: string;
    bridge: string;
    vlanRanges: VlanRangeSpec[];
}

export interface ResolvedDpdk {
    enabled: boolean;
    hugepages1Gi?: string;
    hugepages2Mi?: string;
    pmdCpuMask?: string;
    lcoreMask?: string;
    socketMemory: number[];
}

export interface ResolvedNeutron extends ResolvedApiService {
    backend: string;
    mechanismDrivers: string[];
    typeDrivers: string[];
    projectNetworkTypes: string[];
    /** The rendered `service_plugins`, router plugin first. */
    servicePlugins: string[];
    physnets: ResolvedPhysnet[];
    vniRanges: VlanRangeSpec[];
    l3Ha: boolean;
    maxL3AgentsPerRouter: number;
    /** Mode of the L3 agents on network nodes; `dvr_snat` also puts `dvr` L3 agents on compute nodes. */
    l3AgentMode: string;
    distributed: boolean;
    openflow: { listenAddress: string; listenPort: number };
    dpdk: ResolvedDpdk;
    globalPhysnetMtu: number;
    dnsDomain: string;
    metering: boolean;
    calicoEtcdEndpoints: string[];
    /** True when the spec asked for `lbaas`, which is served by Octavia. */
    lbaasRequested: boolean;
}

export interface ResolvedOctavia extends ResolvedApiService {
    enabled: boolean;
}

export interface ResolvedSubnet {
    name: string;
    cidr: string;
    ipVersion: number;
    /** null: no gateway. */
    gateway: string | null;
    allocationPools: { start: string; end: string }[];
    dnsNameservers: string[];
    hostRoutes: { destination: string; nexthop: string }[];
    enableDhcp: boolean;
}

export interface ResolvedProviderNetwork {
    name: string;
    physnet: string;
    type: string;
    segmentationId?: number;
    external: boolean;
    shared: boolean;
    subnets: ResolvedSubnet[];
}

export interface ResolvedTenantNetwork {
    name: string;
    type: string;
    segmentationId?: number;
    shared: boolean;
    subnets: ResolvedSubnet[];
}

export interface ResolvedRouter {
    name: string;
    externalNetwork?: string;
    interfaces: string[];
    ha?: boolean;
    distributed?: boolean;
}

export interface ResolvedSecurityGroupRule {
    direction: string;
    ethertype: string;
    protocol?: string;
    portRangeMin?: number;
    portRangeMax?: number;
    remoteIpPrefix?: string;
}

export interface ResolvedSecurityGroup {
    name: string;
    description: string;
    rules: ResolvedSecurityGroupRule[];
}

export interface ResolvedLayout {
    enabled: boolean;
    management?: ResolvedProviderNetwork;
    provider: ResolvedProviderNetwork[];
    tenants: ResolvedTenantNetwork[];
    routers: ResolvedRouter[];
    securityGroups: ResolvedSecurityGroup[];
    ntpServers: string[];
}

export interface ResolvedNetworking {
    /** The ML2 backend; lib/render/nodes.ts labels OVS nodes from it. */
    backend: string;
    neutron: ResolvedNeutron;
    octavia: ResolvedOctavia;
    layout: ResolvedLayout;
}

// ---------------------------------------------------------------------------------------------------------------
// CIDR arithmetic (exact integer ranges on top of ipaddr.js)
// ---------------------------------------------------------------------------------------------------------------

export interface IpRange {
    version: number;
    first: bigint;
    last: bigint;
}

function toBig(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
    return addr.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

function fromBig(n: bigint, version: number): string {
    const bytes: number[] = [];
    for (let i = 0; i < (version === 4 ? 4 : 16); i++) {
        bytes.unshift(Number(n & 0xffn));
        n >>= 8n;
    }
    return ipaddr.fromByteArray(bytes).toString();
}

/** The address range of a CIDR; host bits are ignored, as Neutron does. */
export function cidrRange(cidr: unknown): IpRange | undefined {
    if (!isCidr(cidr)) {
        return undefined;
    }
    const [addr, prefix] = ipaddr.parseCIDR(cidr);
    const version = addr.kind() === "ipv4" ? 4 : 6;
    const hostBits = BigInt((version === 4 ? 32 : 128) - prefix);
    const first = (toBig(addr) >> hostBits) << hostBits;
    return { version, first, last: first + (1n << hostBits) - 1n };
}

export function ipRange(ip: unknown): IpRange | undefined {
    if (!isIp(ip)) {
        return undefined;
    }
    const addr = ipaddr.parse(ip);
    const n = toBig(addr);
    return { version: addr.kind() === "ipv4" ? 4 : 6, first: n, last: n };
}

export function overlaps(a: IpRange, b: IpRange): boolean {
    return a.version === b.version && a.first <= b.last && b.first <= a.last;
}

export function contains(outer: IpRange, inner: IpRange): boolean {
    return outer.version === inner.version && outer.first <= inner.first && inner.last <= outer.last;
}

/** Network address + 1: Neutron's default gateway. */
export function firstHost(cidr: string): string | undefined {
    const r = cidrRange(cidr);
    return r && r.last - r.first >= 2n ? fromBig(r.first + 1n, r.version) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------------------------------------------

function arr<T>(v: T[] | undefined): T[] {
    return Array.isArray(v) ? v : [];
}

/** The list, or the default when it is absent. A non-list (a YAML typo) resolves to empty; validation reports it. */
function listOr<T>(v: T[] | undefined, fallback: T[]): T[] {
    return v === undefined || v === null ? fallback : arr(v);
}

function defaultTypeDrivers(backend: string): string[] {
    switch (backend) {
        case "ovn": return ["flat", "vlan", "geneve"];
        case "calico": return ["flat", "local"];
        default: return ["flat", "vlan", "vxlan"];
    }
}

function defaultProjectTypes(backend: string): string[] {
    switch (backend) {
        case "ovn": return ["geneve"];
        case "calico": return ["local"];
        default: return ["vxlan"];
    }
}

function networkNodeCount(spec: CloudSpec): number {
    return arr(spec.nodePools).filter((p) => arr(p?.roles).includes("network")).reduce((n, p) => n + arr(p.nodes).length, 0);
}

function resolveNeutron(spec: CloudSpec): ResolvedNeutron {
    const n: NeutronSpec = spec.services?.neutron ?? {};
    const backend = n.backend ?? "openvswitch";
    const devMode = spec.devMode ?? false;
    const requested = arr(n.servicePlugins);
    const lbaasRequested = requested.some((p) => LBAAS_NAMES.includes(p));
    const extras = requested.filter((p) => !LBAAS_NAMES.includes(p) && p !== "router" && p !== "ovn-router");
    const core = backend === "openvswitch" ? ["openvswitch", "l2population"] : [backend];
    const l3AgentMode = n.l3AgentMode ?? "legacy";
    const routerPlugin = backend === "ovn" ? ["ovn-router"] : backend === "calico" ? [] : ["router"];
    const netNodes = networkNodeCount(spec);
    const hasL3Agent = backend === "openvswitch";
    const dpdk = n.dpdk ?? {};
    return {
        ...resolveApiService(n, devMode),
        backend,
        mechanismDrivers: [...core, ...arr(n.extraMechanismDrivers).filter((d) => !core.includes(d))],
        typeDrivers: listOr(n.typeDrivers, defaultTypeDrivers(backend)),
        projectNetworkTypes: listOr(n.projectNetworkTypes, defaultProjectTypes(backend)),
        servicePlugins: [...routerPlugin, ...new Set(extras)],
        physnets: listOr(n.physnets, [{ name: "physnet1" }]).map((p) => ({ name: p?.name, bridge: p?.bridge ?? "br-ex", vlanRanges: arr(p?.vlanRanges) })),
        vniRanges: listOr(n.vniRanges, [{ min: 1, max: backend === "ovn" ? 65536 : 1000 }]),
        l3Ha: n.l3Ha ?? (hasL3Agent && netNodes >= 2),
        maxL3AgentsPerRouter: n.maxL3AgentsPerRouter ?? 2,
        l3AgentMode,
        distributed: hasL3Agent && l3AgentMode === "dvr_snat",
        openflow: { listenAddress: n.openflow?.listenAddress ?? "127.0.0.1", listenPort: n.openflow?.listenPort ?? 6633 },
        dpdk: {
            enabled: dpdk.enabled ?? false,
            hugepages1Gi: dpdk.hugepages1Gi,
            hugepages2Mi: dpdk.hugepages2Mi,
            pmdCpuMask: dpdk.pmdCpuMask,
            lcoreMask: dpdk.lcoreMask,
            socketMemory: arr(dpdk.socketMemory),
        },
        globalPhysnetMtu: n.globalPhysnetMtu ?? 1500,
        dnsDomain: n.dnsDomain ?? "openstacklocal.",
        metering: extras.includes("metering"),
        calicoEtcdEndpoints: arr(n.calico?.etcdEndpoints),
        lbaasRequested,
    };
}

function resolveSubnet(s: SubnetSpec, ntpServers: string[]): ResolvedSubnet {
    const cidr = s?.cidr;
    const gateway = s?.gateway === "none" ? null : s?.gateway ?? (typeof cidr === "string" ? firstHost(cidr) ?? null : null);
    const range = cidrRange(cidr);
    const routes = arr(s?.hostRoutes).map((r) => ({ destination: r?.destination, nexthop: r?.nexthop }));
    // NTP servers beyond the subnet are reached through the gateway; a host route pins that path for instances
    // whose default route points elsewhere (the article's management network serves NTP through its gateway).
    if (gateway !== null && range) {
        for (const ntp of ntpServers) {
            const ip = ipRange(ntp);
            const dest = `${ntp}/${ip?.version === 6 ? 128 : 32}`;
            if (ip && ip.version === range.version && !contains(range, ip) && !routes.some((r) => r.destination === dest)) {
                routes.push({ destination: dest, nexthop: gateway });
            }
        }
    }
    return {
        name: s?.name,
        cidr,
        ipVersion: s?.ipVersion ?? range?.version ?? 4,
        gateway,
        allocationPools: arr(s?.allocationPools),
        dnsNameservers: arr(s?.dnsNameservers),
        hostRoutes: routes,
        enableDhcp: s?.enableDhcp ?? true,
    };
}

function resolveProvider(p: ProviderNetworkSpec, external: boolean, ntp: string[]): ResolvedProviderNetwork {
    return {
        name: p?.name,
        physnet: p?.physnet,
        type: p?.type ?? "flat",
        segmentationId: p?.segmentationId,
        external: p?.external ?? external,
        shared: p?.shared ?? false,
        subnets: arr(p?.subnets).map((s) => resolveSubnet(s, ntp)),
    };
}

function resolveTenant(t: TenantNetworkSpec, projectTypes: string[]): ResolvedTenantNetwork {
    return {
        name: t?.name,
        type: t?.type ?? projectTypes[0],
        segmentationId: t?.segmentationId,
        shared: t?.shared ?? false,
        subnets: arr(t?.subnets).map((s) => resolveSubnet(s, [])),
    };
}

export function resolveLayout(layout: NetworkLayoutSpec | undefined, projectTypes: string[]): ResolvedLayout {
    const l = layout ?? {};
    const ntp = arr(l.ntpServers);
    return {
        enabled: l.enabled ?? false,
        // The management network carries the nodes' admin traffic; it is not a floating-IP pool unless asked.
        management: l.management ? resolveProvider(l.management, false, ntp) : undefined,
        provider: arr(l.provider).map((p) => resolveProvider(p, true, ntp)),
        tenants: arr(l.tenants).map((t) => resolveTenant(t, projectTypes)),
        routers: arr(l.routers).map((r) => ({ name: r?.name, externalNetwork: r?.externalNetwork, interfaces: arr(r?.interfaces), ha: r?.ha, distributed: r?.distributed })),
        securityGroups: arr(l.securityGroups).map((g) => ({
            name: g?.name,
            description: g?.description ?? "",
            rules: arr(g?.rules).map((r) => ({
                direction: r?.direction ?? "ingress",
                ethertype: r?.ethertype ?? (typeof r?.remoteIpPrefix === "string" && r.remoteIpPrefix.includes(":") ? "IPv6" : "IPv4"),
                protocol: r?.protocol,
                portRangeMin: r?.portRangeMin,
                portRangeMax: r?.portRangeMax ?? r?.portRangeMin,
                remoteIpPrefix: r?.remoteIpPrefix,
            })),
        })),
        ntpServers: ntp,
    };
}

export function resolveNetworking(spec: CloudSpec): ResolvedNetworking {
    const neutron = resolveNeutron(spec);
    const o = spec.services?.octavia;
    return {
        backend: neutron.backend,
        neutron,
        octavia: { ...resolveApiService(o, spec.devMode ?? false), enabled: o?.enabled ?? neutron.lbaasRequested },
        layout: resolveLayout(spec.networks, neutron.projectNetworkTypes),
    };
}

/** The ML2 option name for project network types: renamed in 2026.1, the old name kept as a deprecated alias. */
export function projectNetworkTypesOption(release: string): string {
    const [year, minor] = release.split(".").map(Number);
    return year > 2026 || (year === 2026 && minor >= 1) ? "project_network_types" : "tenant_network_types";
}

// ---------------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------------

const PHYSNET_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const HEX_MASK = /^0x[0-9a-fA-F]+$/;
const NETWORK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

function nodePath(cloud: ResolvedCloud, node: ResolvedNode): string {
    const pi = cloud.nodePools.findIndex((p) => p.name === node.pool);
    const ni = pi >= 0 ? cloud.nodePools[pi].nodes.indexOf(node) : -1;
    return `nodePools[${pi}].nodes[${ni}]`;
}

function checkRanges(path: string, ranges: unknown, lo: number, hi: number, what: string, issues: IssueList): void {
    if (ranges === undefined) {
        return;
    }
    if (!Array.isArray(ranges)) {
        issues.add(path, `${what} ranges must be a list of { min, max }`, `write e.g. [{ min: ${lo}, max: ${Math.min(hi, lo + 999)} }]`);
        return;
    }
    const ok: { min: number; max: number; i: number }[] = [];
    ranges.forEach((r: VlanRangeSpec, i) => {
        const p = `${path}[${i}]`;
        if (!Number.isInteger(r?.min) || !Number.isInteger(r?.max) || r.min < lo || r.max > hi) {
            issues.add(p, `${what} range ${JSON.stringify(r)} is outside ${lo}..${hi}`, `use whole numbers between ${lo} and ${hi}`);
        } else if (r.min > r.max) {
            issues.add(p, `${what} range starts at ${r.min} but ends at ${r.max}`, `swap min and max`);
        } else {
            const clash = ok.find((o) => o.min <= r.max && r.min <= o.max);
            if (clash) {
                issues.add(p, `${what} range ${r.min}:${r.max} overlaps ${path}[${clash.i}] (${clash.min}:${clash.max})`, `merge the ranges or make them disjoint`);
            }
            ok.push({ ...r, i });
        }
    });
}

/** The legacy-name answer for a value from the spec, whatever its type (a YAML typo can be anything). */
function legacyOf(v: unknown): { message: string; fix: string } | undefined {
    return typeof v === "string" && Object.prototype.hasOwnProperty.call(LEGACY_BACKENDS, v) ? LEGACY_BACKENDS[v] : undefined;
}

function checkNeutron(spec: CloudSpec, cloud: ResolvedCloud, issues: IssueList): void {
    const raw = spec.services?.neutron ?? {};
    const n = cloud.networking.neutron;
    const P = "services.neutron";
    checkApiService(P, raw, issues);

    const legacy = legacyOf(n.backend);
    if (legacy) {
        issues.add(`${P}.backend`, legacy.message, legacy.fix);
    } else if (!BACKENDS.includes(n.backend)) {
        issues.add(`${P}.backend`, `unknown ML2 backend ${shown(n.backend)}`, `use one of ${oneOf(BACKENDS)}`);
    }
    const knownBackend = BACKENDS.includes(n.backend);
    const ovsLike = n.backend === "openvswitch" || n.backend === "ovn";

    arr(raw.extraMechanismDrivers).forEach((d, i) => {
        const p = `${P}.extraMechanismDrivers[${i}]`;
        const legacyDriver = legacyOf(d);
        if (legacyDriver) {
            issues.add(p, legacyDriver.message, legacyDriver.fix);
        } else if (BACKENDS.includes(d) || d === "l2population") {
            issues.add(p, `"${d}" is chosen by backend, not listed as an extra driver (only one core backend runs at a time)`,
                d === "l2population" ? `remove it: it is added with backend "openvswitch"` : `set backend: "${d}" and remove it here`);
        } else if (!EXTRA_MECHANISM_DRIVERS.includes(d)) {
            issues.add(p, `unknown extra mechanism driver ${shown(d)}`, `use one of ${oneOf(EXTRA_MECHANISM_DRIVERS)}`);
        }
    });

    arr(raw.typeDrivers).forEach((t, i) => {
        if (!TYPE_DRIVERS.includes(t)) {
            issues.add(`${P}.typeDrivers[${i}]`, `unknown type driver "${t}"`, `use some of ${oneOf(TYPE_DRIVERS)}`);
        } else if (t === "geneve" && knownBackend && n.backend !== "ovn") {
            issues.add(`${P}.typeDrivers[${i}]`, `geneve networks need the ovn backend; ${n.backend} cannot carry them`, `use vxlan, or backend "ovn"`);
        } else if (t === "vxlan" && n.backend === "ovn") {
            issues.add(`${P}.typeDrivers[${i}]`, `ovn tunnels project networks over geneve; vxlan with OVN is limited to 4096 networks and meant for interop only`, `use geneve`);
        }
    });
    n.projectNetworkTypes.forEach((t, i) => {
        if (!n.typeDrivers.includes(t)) {
            issues.add(`${P}.projectNetworkTypes[${i}]`, `project network type "${t}" is not among the type drivers (${n.typeDrivers.join(",")})`, `add "${t}" to typeDrivers or pick one of them`);
        }
    });

    arr(raw.servicePlugins).forEach((sp, i) => {
        const p = `${P}.servicePlugins[${i}]`;
        if (LBAAS_NAMES.includes(sp)) {
            if (spec.services?.octavia?.enabled === false) {
                issues.add(p, `"${sp}" (neutron-lbaas) was retired in Train, and its successor Octavia is disabled`,
                    `remove "${sp}" and set services.octavia.enabled: true (Octavia serves load balancers now)`);
            }
        } else if (sp === "router" || sp === "ovn-router") {
            return;
        } else if (!SERVICE_PLUGINS.includes(sp)) {
            issues.add(p, `unknown service plugin "${sp}"`, `use some of ${oneOf(SERVICE_PLUGINS)} (the router plugin is always enabled)`);
        } else if (sp === "metering" && n.backend !== "openvswitch" && knownBackend) {
            issues.add(p, `the metering agent works only with the L3 agent, which the ${n.backend} backend does not run`, `remove "metering", or use backend "openvswitch"`);
        }
    });

    const physnetNames = new Map<string, number>();
    const netNodes = cloud.nodes.filter((x) => x.roles.includes("network"));
    arr(raw.physnets).forEach((ph, i) => {
        const p = `${P}.physnets[${i}]`;
        if (typeof ph?.name !== "string" || !PHYSNET_NAME.test(ph.name)) {
            issues.add(`${p}.name`, `physnet name ${JSON.stringify(ph?.name)} is not valid`, `use letters, digits, '_' or '-', e.g. "physnet1"`);
        } else if (physnetNames.has(ph.name)) {
            issues.add(`${p}.name`, `physnet "${ph.name}" is also defined at ${P}.physnets[${physnetNames.get(ph.name)}]`, `define each physnet once`);
        } else {
            physnetNames.set(ph.name, i);
        }
        if (ph?.bridge !== undefined && (!isInterfaceName(ph.bridge) || ph.bridge === "br-int" || ph.bridge === "br-tun")) {
            issues.add(`${p}.bridge`, `"${ph.bridge}" cannot be a provider bridge`, `use a bridge name of at most 15 characters other than br-int and br-tun, e.g. "br-ex"`);
        }
        checkRanges(`${p}.vlanRanges`, ph?.vlanRanges, 1, 4094, "VLAN", issues);
    });
    if (ovsLike) {
        n.physnets.forEach((ph, i) => {
            if (netNodes.length > 0 && !netNodes.some((x) => x.bridgeInterfaces[ph.bridge])) {
                issues.add(raw.physnets ? `${P}.physnets[${i}].bridge` : `${P}.physnets`,
                    `physnet "${ph.name}" is mapped to bridge ${ph.bridge}, but no network node binds ${ph.bridge} to a NIC`,
                    `add bridgeInterfaces: { "${ph.bridge}": "<nic>" } to the network nodes (or their pool's nodeDefaults)`);
            }
        });
        const bridges = new Map<string, string>();
        n.physnets.forEach((ph, i) => {
            const other = bridges.get(ph.bridge);
            if (other !== undefined) {
                issues.add(`${P}.physnets[${i}].bridge`, `physnets "${other}" and "${ph.name}" share bridge ${ph.bridge}; OVS bridge mappings need one bridge per physnet`, `give "${ph.name}" its own bridge`);
            }
            bridges.set(ph.bridge, ph.name);
        });
    }
    checkRanges(`${P}.vniRanges`, raw.vniRanges, 1, MAX_VNI, "VNI", issues);

    if (ovsLike && netNodes.length === 0 && cloud.nodes.length > 0) {
        issues.add("nodePools", `the ${n.backend} backend needs network-role nodes for its ${n.backend === "ovn" ? "gateway chassis" : "DHCP and L3 agents"}, and none exist`,
            `add "network" to the roles of a pool`);
    }
    if (n.backend === "calico") {
        if (n.calicoEtcdEndpoints.length === 0) {
            issues.add(`${P}.calico.etcdEndpoints`, `networking-calico and Felix for OpenStack need Calico's etcd datastore, and no endpoint is given`,
                `set calico.etcdEndpoints, e.g. ["http://etcd.calico.svc:2379"]`);
        }
        n.calicoEtcdEndpoints.forEach((e, i) => {
            if (!isHttpUrl(e)) {
                issues.add(`${P}.calico.etcdEndpoints[${i}]`, `"${e}" is not an http(s) URL`, `use e.g. "https://etcd-0.etcd:2379"`);
            }
        });
    } else if (raw.calico !== undefined && knownBackend) {
        issues.add(`${P}.calico`, `calico settings are ignored with backend "${n.backend}"`, `remove the calico section, or set backend: "calico"`);
    }

    // L3.
    if (raw.l3AgentMode !== undefined) {
        if (raw.l3AgentMode === "dvr") {
            issues.add(`${P}.l3AgentMode`, `"dvr" is the mode of compute-node L3 agents; network nodes must also do SNAT`,
                `use "dvr_snat": network nodes then run dvr_snat and compute nodes run dvr`);
        } else if (!NETWORK_NODE_L3_MODES.includes(raw.l3AgentMode)) {
            issues.add(`${P}.l3AgentMode`, `unknown L3 agent mode "${raw.l3AgentMode}"`, `use ${oneOf(NETWORK_NODE_L3_MODES)}`);
        } else if (n.backend !== "openvswitch" && knownBackend) {
            issues.add(`${P}.l3AgentMode`, `the ${n.backend} backend runs no L3 agent, so an agent mode means nothing`, `remove l3AgentMode`);
        }
    }
    if (raw.l3Ha === true) {
        if (n.backend !== "openvswitch" && knownBackend) {
            issues.add(`${P}.l3Ha`, `L3 HA (VRRP between L3 agents) is an openvswitch-backend feature; ${n.backend} handles gateway HA itself`, `remove l3Ha`);
        } else if (netNodes.length < 2) {
            issues.add(`${P}.l3Ha`, `L3 HA needs at least 2 network nodes, and ${netNodes.length} exist`, `add a network node, or set l3Ha: false`);
        }
    }
    if (raw.maxL3AgentsPerRouter !== undefined) {
        const m = raw.maxL3AgentsPerRouter;
        if (!Number.isInteger(m) || m < 2) {
            issues.add(`${P}.maxL3AgentsPerRouter`, `max_l3_agents_per_router must be a whole number of at least 2, got ${JSON.stringify(m)}`, `use 2 or 3`);
        } else if (n.l3Ha && m > netNodes.length) {
            issues.add(`${P}.maxL3AgentsPerRouter`, `${m} L3 agents per router need ${m} network nodes, but ${netNodes.length} exist`, `lower it to ${Math.max(2, netNodes.length)}`);
        }
    }
    if (n.distributed) {
        const computeWithoutBridge = cloud.nodes.filter((x) => x.roles.includes("compute") && n.physnets.some((ph) => !x.bridgeInterfaces[ph.bridge]));
        for (const node of computeWithoutBridge) {
            issues.add(`${nodePath(cloud, node)}.bridgeInterfaces`, `with DVR, compute node "${node.name}" routes floating IPs itself and needs every physnet bridge bound to a NIC`,
                `add bridgeInterfaces for ${n.physnets.map((p) => p.bridge).join(", ")} to the node or its pool's nodeDefaults, or use l3AgentMode "legacy"`);
        }
    }

    // OpenFlow (the article's "Ryu"): only the OVS agent has a native controller.
    if (raw.openflow !== undefined) {
        if (n.backend !== "openvswitch" && knownBackend) {
            issues.add(`${P}.openflow`, `the native OpenFlow controller belongs to the OVS agent, which the ${n.backend} backend does not run`, `remove openflow, or use backend "openvswitch"`);
        }
        if (raw.openflow?.listenAddress !== undefined && !isIp(raw.openflow.listenAddress)) {
            issues.add(`${P}.openflow.listenAddress`, `"${raw.openflow.listenAddress}" is not an IP address`, `use an address such as "127.0.0.1" (the default; keep it on loopback)`);
        }
        const port = raw.openflow?.listenPort;
        if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
            issues.add(`${P}.openflow.listenPort`, `${JSON.stringify(port)} is not a TCP port`, `use 1..65535 (default 6633)`);
        }
    }

    // DPDK.
    const d = raw.dpdk;
    if (d?.enabled) {
        if (!ovsLike && knownBackend) {
            issues.add(`${P}.dpdk.enabled`, `DPDK is an Open vSwitch datapath; the ${n.backend} backend does not run OVS`, `remove dpdk, or use backend "openvswitch" or "ovn"`);
        }
        if (d.hugepages1Gi === undefined && d.hugepages2Mi === undefined) {
            issues.add(`${P}.dpdk`, `DPDK needs hugepages, and neither hugepages1Gi nor hugepages2Mi is set`, `set hugepages1Gi: "4Gi" (or hugepages2Mi) to what the nodes reserve`);
        }
        for (const f of ["hugepages1Gi", "hugepages2Mi"] as const) {
            if (d[f] !== undefined && (!isQuantity(d[f]) || !/[KMG]i$/.test(d[f] as string))) {
                issues.add(`${P}.dpdk.${f}`, `"${d[f]}" is not a binary quantity`, `use e.g. "4Gi" or "512Mi"`);
            }
        }
        const masks: Record<string, bigint> = {};
        for (const f of ["pmdCpuMask", "lcoreMask"] as const) {
            const v = d[f];
            if (v === undefined) {
                issues.add(`${P}.dpdk.${f}`, `DPDK needs ${f === "pmdCpuMask" ? "a PMD CPU mask (pmd-cpu-mask)" : "an lcore mask (dpdk-lcore-mask)"}`, `set a hex mask such as ${f === "pmdCpuMask" ? '"0x6"' : '"0x1"'}`);
            } else if (!HEX_MASK.test(v) || BigInt(v) === 0n) {
                issues.add(`${P}.dpdk.${f}`, `"${v}" is not a non-zero hex CPU mask`, `write it as 0x followed by hex digits, e.g. "0x6"`);
            } else {
                masks[f] = BigInt(v);
            }
        }
        if (masks.pmdCpuMask !== undefined && masks.lcoreMask !== undefined && (masks.pmdCpuMask & masks.lcoreMask) !== 0n) {
            issues.add(`${P}.dpdk.pmdCpuMask`, `PMD threads and lcores share CPUs (${d.pmdCpuMask} & ${d.lcoreMask}); PMDs busy-poll and would starve the lcore threads`,
                `use disjoint masks, e.g. lcoreMask "0x1" and pmdCpuMask "0x6"`);
        }
        arr(d.socketMemory).forEach((m, i) => {
            if (!isPositiveInt(m)) {
                issues.add(`${P}.dpdk.socketMemory[${i}]`, `socket memory must be a whole number of MiB, got ${JSON.stringify(m)}`, `use e.g. [1024, 1024]`);
            }
        });
    }

    if (raw.globalPhysnetMtu !== undefined && (!Number.isInteger(raw.globalPhysnetMtu) || raw.globalPhysnetMtu < 1280 || raw.globalPhysnetMtu > 9216)) {
        issues.add(`${P}.globalPhysnetMtu`, `MTU ${JSON.stringify(raw.globalPhysnetMtu)} is outside 1280..9216`, `use your physical network's MTU, e.g. 1500 or 9000`);
    }
    if (raw.dnsDomain !== undefined && (typeof raw.dnsDomain !== "string" || !raw.dnsDomain.endsWith(".") || !isDnsSubdomain(raw.dnsDomain.slice(0, -1)))) {
        issues.add(`${P}.dnsDomain`, `"${raw.dnsDomain}" is not a fully qualified DNS domain`, `use lowercase labels ending with a dot, e.g. "cloud.example.com."`);
    }

    const o = spec.services?.octavia;
    checkApiService("services.octavia", o, issues);
    if (cloud.networking.octavia.enabled && n.backend === "calico") {
        issues.add(o?.enabled ? "services.octavia.enabled" : `${P}.servicePlugins`, `Octavia's amphorae need a routed management network, which the calico backend does not provide here`,
            `use backend "openvswitch" or "ovn" with Octavia`);
    }
}

interface SubnetRef {
    path: string;
    network: string;
    subnet: ResolvedSubnet;
    range: IpRange;
}

function checkSubnet(path: string, s: ResolvedSubnet, issues: IssueList): IpRange | undefined {
    if (typeof s.name !== "string" || !NETWORK_NAME.test(s.name)) {
        issues.add(`${path}.name`, `subnet name ${JSON.stringify(s.name)} is not valid`, `use letters, digits, '_', '.', '-'`);
    }
    const range = cidrRange(s.cidr);
    if (!range) {
        issues.add(`${path}.cidr`, `${JSON.stringify(s.cidr)} is not a CIDR`, `use the form "192.168.10.0/24"`);
        return undefined;
    }
    if (s.ipVersion !== range.version) {
        issues.add(`${path}.ipVersion`, `ipVersion ${s.ipVersion} does not match CIDR ${s.cidr}`, `set ipVersion: ${range.version} or leave it out`);
    }
    const prefix = Number(s.cidr.split("/")[1]);
    if (range.version === 4 && prefix > 30) {
        issues.add(`${path}.cidr`, `/${prefix} leaves no room for a gateway, DHCP ports and instances`, `use at most /30 (usually /24)`);
    }
    let gw: IpRange | undefined;
    if (s.gateway !== null) {
        gw = ipRange(s.gateway);
        if (!gw) {
            issues.add(`${path}.gateway`, `"${s.gateway}" is not an IP address`, `give an address inside ${s.cidr}, or "none"`);
        } else if (!contains(range, gw)) {
            issues.add(`${path}.gateway`, `gateway ${s.gateway} is outside ${s.cidr}`, `use an address inside ${s.cidr}, e.g. ${firstHost(s.cidr)}`);
            gw = undefined;
        } else if (range.version === 4 && (gw.first === range.first || gw.first === range.last)) {
            issues.add(`${path}.gateway`, `gateway ${s.gateway} is the ${gw.first === range.first ? "network" : "broadcast"} address of ${s.cidr}`, `use a host address, e.g. ${firstHost(s.cidr)}`);
        }
    }
    const pools: { r: IpRange; i: number }[] = [];
    s.allocationPools.forEach((pool, i) => {
        const p = `${path}.allocationPools[${i}]`;
        const a = ipRange(pool?.start);
        const b = ipRange(pool?.end);
        if (!a || !b) {
            issues.add(p, `pool ${JSON.stringify(pool)} needs start and end IP addresses`, `write { start: "x.x.x.10", end: "x.x.x.200" }`);
            return;
        }
        if (a.version !== b.version || a.first > b.last) {
            issues.add(p, `pool starts at ${pool.start} after it ends at ${pool.end}`, `swap start and end`);
            return;
        }
        const r = { version: a.version, first: a.first, last: b.last };
        if (!contains(range, r)) {
            issues.add(p, `pool ${pool.start}-${pool.end} is not inside ${s.cidr}`, `keep the pool inside the subnet's CIDR`);
        } else if (range.version === 4 && (r.first === range.first || r.last === range.last)) {
            issues.add(p, `pool ${pool.start}-${pool.end} includes the network or broadcast address of ${s.cidr}`, `start after the network address and end before the broadcast address`);
        }
        if (gw && contains(r, gw)) {
            issues.add(p, `pool ${pool.start}-${pool.end} covers the gateway ${s.gateway}`, `move the pool so the gateway is outside it, e.g. start after ${s.gateway}`);
        }
        const clash = pools.find((q) => overlaps(q.r, r));
        if (clash) {
            issues.add(p, `pool ${pool.start}-${pool.end} overlaps ${path}.allocationPools[${clash.i}]`, `make the pools disjoint`);
        }
        pools.push({ r, i });
    });
    s.dnsNameservers.forEach((d, i) => {
        if (!isIp(d)) {
            issues.add(`${path}.dnsNameservers[${i}]`, `${JSON.stringify(d)} is not an IP address`, `list resolver addresses, e.g. "9.9.9.9"`);
        }
    });
    s.hostRoutes.forEach((r, i) => {
        const p = `${path}.hostRoutes[${i}]`;
        if (!isCidr(r.destination)) {
            issues.add(`${p}.destination`, `${JSON.stringify(r.destination)} is not a CIDR`, `use e.g. "10.20.0.0/16"`);
        }
        const hop = ipRange(r.nexthop);
        if (!hop || !contains(range, hop)) {
            issues.add(`${p}.nexthop`, `next hop ${JSON.stringify(r.nexthop)} is not an address inside ${s.cidr}`, `use a router address on this subnet`);
        }
    });
    return range;
}

function checkLayout(spec: CloudSpec, cloud: ResolvedCloud, issues: IssueList): void {
    const L = cloud.networking.layout;
    const n = cloud.networking.neutron;
    const raw = spec.networks ?? {};
    const names = new Map<string, string>();
    const subnetNames = new Map<string, string>();
    const subnets: SubnetRef[] = [];
    const flatPhysnets = new Map<string, string>();
    const vlans = new Map<string, string>();
    const vnis = new Map<string, string>();
    const netNodes = cloud.nodes.filter((x) => x.roles.includes("network"));

    const checkName = (path: string, name: string) => {
        if (typeof name !== "string" || !NETWORK_NAME.test(name)) {
            issues.add(`${path}.name`, `network name ${JSON.stringify(name)} is not valid`, `use letters, digits, '_', '.', '-'`);
        } else if (names.has(name)) {
            issues.add(`${path}.name`, `network "${name}" is also defined at ${names.get(name)}`, `give every network its own name`);
        } else {
            names.set(name, path);
        }
    };
    const addSubnets = (path: string, network: string, list: ResolvedSubnet[]) => {
        if (list.length === 0) {
            issues.add(`${path}.subnets`, `network "${network}" has no subnet, so no port on it gets an address`, `add a subnet with a cidr`);
        }
        list.forEach((s, i) => {
            const sp = `${path}.subnets[${i}]`;
            if (typeof s.name === "string") {
                if (subnetNames.has(s.name)) {
                    issues.add(`${sp}.name`, `subnet "${s.name}" is also defined at ${subnetNames.get(s.name)}; routers refer to subnets by name`, `give every subnet its own name`);
                } else {
                    subnetNames.set(s.name, sp);
                }
            }
            const range = checkSubnet(sp, s, issues);
            if (range) {
                subnets.push({ path: sp, network, subnet: s, range });
            }
        });
    };

    const checkProvider = (path: string, p: ResolvedProviderNetwork) => {
        checkName(path, p.name);
        const physnet = n.physnets.find((x) => x.name === p.physnet);
        if (!physnet) {
            issues.add(`${path}.physnet`, `physnet ${JSON.stringify(p.physnet)} is not defined in services.neutron.physnets (${n.physnets.map((x) => x.name).join(", ") || "none"})`,
                `add { name: "${p.physnet}", bridge: "br-ex" } to services.neutron.physnets, or use an existing one`);
        } else if (netNodes.length > 0 && !netNodes.some((x) => x.bridgeInterfaces[physnet.bridge])) {
            issues.add(`${path}.physnet`, `physnet "${p.physnet}" uses bridge ${physnet.bridge}, which no network node binds to a NIC, so the network would have no way out`,
                `add bridgeInterfaces: { "${physnet.bridge}": "<nic>" } to a network node`);
        }
        if (p.type === "flat") {
            if (p.segmentationId !== undefined) {
                issues.add(`${path}.segmentationId`, `flat networks are untagged and take no segmentation ID`, `remove segmentationId, or set type: "vlan"`);
            }
            if (!n.typeDrivers.includes("flat")) {
                issues.add(`${path}.type`, `the flat type driver is not enabled`, `add "flat" to services.neutron.typeDrivers`);
            }
            const other = flatPhysnets.get(p.physnet);
            if (other) {
                issues.add(`${path}.physnet`, `physnet "${p.physnet}" already carries the flat network at ${other}; a physnet holds one flat network`, `use a VLAN network, or another physnet`);
            } else {
                flatPhysnets.set(p.physnet, path);
            }
        } else if (p.type === "vlan") {
            if (!n.typeDrivers.includes("vlan")) {
                issues.add(`${path}.type`, `the vlan type driver is not enabled`, `add "vlan" to services.neutron.typeDrivers`);
            }
            const id = p.segmentationId;
            if (id === undefined || !Number.isInteger(id) || id < 1 || id > 4094) {
                issues.add(`${path}.segmentationId`, `a VLAN network needs a VLAN ID in 1..4094, got ${JSON.stringify(id)}`, `set segmentationId to the VLAN tag of the network`);
            } else if (physnet) {
                if (!physnet.vlanRanges.some((r) => r?.min <= id && id <= r?.max)) {
                    const ranges = physnet.vlanRanges.map((r) => `${r?.min}:${r?.max}`).join(",") || "none (flat only)";
                    issues.add(`${path}.segmentationId`, `VLAN ${id} is outside physnet "${physnet.name}"'s network_vlan_ranges (${ranges})`,
                        `use a VLAN inside the ranges, or add a range covering ${id} to services.neutron.physnets[${n.physnets.indexOf(physnet)}].vlanRanges`);
                }
                const key = `${physnet.name}:${id}`;
                if (vlans.has(key)) {
                    issues.add(`${path}.segmentationId`, `VLAN ${id} on "${physnet.name}" is already used by ${vlans.get(key)}`, `give each network its own VLAN`);
                } else {
                    vlans.set(key, path);
                }
            }
        } else {
            issues.add(`${path}.type`, `provider network type "${p.type}" is not "flat" or "vlan"`, `use "flat" or "vlan"; overlay networks go in networks.tenants`);
        }
        addSubnets(path, p.name, p.subnets);
    };

    if (L.management) {
        checkProvider("networks.management", L.management);
    }
    L.provider.forEach((p, i) => checkProvider(`networks.provider[${i}]`, p));
    L.tenants.forEach((t, i) => {
        const path = `networks.tenants[${i}]`;
        checkName(path, t.name);
        if (!["vxlan", "geneve", "local"].includes(t.type)) {
            issues.add(`${path}.type`, `project network type "${t.type}" is not an overlay type`, `use "vxlan" (openvswitch) or "geneve" (ovn)`);
        } else if (!n.typeDrivers.includes(t.type)) {
            issues.add(`${path}.type`, `type "${t.type}" is not among services.neutron.typeDrivers (${n.typeDrivers.join(",")})`,
                t.type === "geneve" ? `use backend "ovn" for geneve, or type "vxlan"` : `add "${t.type}" to typeDrivers, or use ${n.projectNetworkTypes[0]}`);
        }
        const id = t.segmentationId;
        if (id !== undefined) {
            if (t.type === "local") {
                issues.add(`${path}.segmentationId`, `local networks take no segmentation ID`, `remove segmentationId`);
            } else if (!Number.isInteger(id) || !n.vniRanges.some((r) => r?.min <= id && id <= r?.max)) {
                issues.add(`${path}.segmentationId`, `VNI ${JSON.stringify(id)} is outside services.neutron.vniRanges (${n.vniRanges.map((r) => `${r?.min}:${r?.max}`).join(",")})`,
                    `use a VNI inside the ranges, or widen vniRanges`);
            } else if (vnis.has(`${t.type}:${id}`)) {
                issues.add(`${path}.segmentationId`, `VNI ${id} is already used by ${vnis.get(`${t.type}:${id}`)}`, `give each network its own VNI`);
            } else {
                vnis.set(`${t.type}:${id}`, path);
            }
        }
        addSubnets(path, t.name, t.subnets);
    });

    // Overlaps across every network, and with the cluster's own ranges. Routers attach subnets to one routing
    // domain, and instances reach pods and services through the nodes, so any overlap misroutes traffic.
    for (let i = 0; i < subnets.length; i++) {
        for (let j = 0; j < i; j++) {
            if (overlaps(subnets[i].range, subnets[j].range)) {
                issues.add(`${subnets[i].path}.cidr`, `${subnets[i].subnet.cidr} overlaps ${subnets[j].subnet.cidr} at ${subnets[j].path}.cidr`,
                    `give every subnet its own address range`);
            }
        }
        for (const f of ["podCidr", "serviceCidr"] as const) {
            const c = cloud.cluster[f];
            const r = cidrRange(c);
            if (r && overlaps(subnets[i].range, r)) {
                issues.add(`${subnets[i].path}.cidr`, `${subnets[i].subnet.cidr} overlaps the Kubernetes ${f === "podCidr" ? "pod" : "service"} CIDR ${c}`,
                    `use a range outside cluster.${f}`);
            }
        }
    }

    // Routers.
    const backendRoutes = n.backend !== "calico";
    const attached = new Map<string, string>();
    const routerNames = new Set<string>();
    L.routers.forEach((r, i) => {
        const path = `networks.routers[${i}]`;
        if (typeof r.name !== "string" || !NETWORK_NAME.test(r.name)) {
            issues.add(`${path}.name`, `router name ${JSON.stringify(r.name)} is not valid`, `use letters, digits, '_', '.', '-'`);
        } else if (routerNames.has(r.name)) {
            issues.add(`${path}.name`, `router "${r.name}" is defined twice`, `give every router its own name`);
        }
        routerNames.add(r.name);
        if (!backendRoutes) {
            issues.add(path, `the calico backend routes every port on the host and has no Neutron routers`, `remove networks.routers, or use backend "openvswitch" or "ovn"`);
            return;
        }
        if (r.externalNetwork !== undefined) {
            const ext = [...(L.management ? [L.management] : []), ...L.provider].find((p) => p.name === r.externalNetwork);
            if (!ext) {
                issues.add(`${path}.externalNetwork`, `no provider network is called "${r.externalNetwork}"`, `use the name of a network in networks.provider`);
            } else if (!ext.external) {
                issues.add(`${path}.externalNetwork`, `network "${r.externalNetwork}" is not external, so it cannot be a router gateway`, `set external: true on it`);
            }
        }
        r.interfaces.forEach((s, k) => {
            const p = `${path}.interfaces[${k}]`;
            const ref = subnets.find((x) => x.subnet.name === s);
            if (!ref && !subnetNames.has(s)) {
                issues.add(p, `no subnet is called "${s}"`, `use the name of a subnet of a tenant or provider network`);
                return;
            }
            if (ref && ref.subnet.gateway === null) {
                issues.add(p, `subnet "${s}" has no gateway, so the router has no address to take on it`, `give the subnet a gateway`);
            }
            if (attached.has(s)) {
                issues.add(p, `subnet "${s}" is already attached to router ${attached.get(s)}; its gateway address can belong to one router`, `attach it to one router only`);
            } else {
                attached.set(s, r.name);
            }
        });
        if (r.ha === true && n.backend === "openvswitch" && netNodes.length < 2) {
            issues.add(`${path}.ha`, `an HA router needs L3 agents on at least 2 network nodes, and ${netNodes.length} exist`, `add a network node, or remove ha`);
        }
        if (r.distributed === true && n.backend === "openvswitch" && !n.distributed) {
            issues.add(`${path}.distributed`, `a distributed router needs DVR (l3AgentMode "dvr_snat")`, `set services.neutron.l3AgentMode: "dvr_snat", or remove distributed`);
        }
    });

    // Security groups.
    const sgNames = new Set<string>();
    L.securityGroups.forEach((g, i) => {
        const path = `networks.securityGroups[${i}]`;
        if (typeof g.name !== "string" || !NETWORK_NAME.test(g.name)) {
            issues.add(`${path}.name`, `security group name ${JSON.stringify(g.name)} is not valid`, `use letters, digits, '_', '.', '-'`);
        } else if (g.name === "default") {
            issues.add(`${path}.name`, `"default" is the security group Neutron creates in every project`, `choose another name`);
        } else if (sgNames.has(g.name)) {
            issues.add(`${path}.name`, `security group "${g.name}" is defined twice`, `give every group its own name`);
        }
        sgNames.add(g.name);
        g.rules.forEach((r, k) => {
            const p = `${path}.rules[${k}]`;
            if (!["ingress", "egress"].includes(r.direction)) {
                issues.add(`${p}.direction`, `direction "${r.direction}" is not "ingress" or "egress"`, `use "ingress" or "egress"`);
            }
            if (!["IPv4", "IPv6"].includes(r.ethertype)) {
                issues.add(`${p}.ethertype`, `ethertype "${r.ethertype}" is not "IPv4" or "IPv6"`, `use "IPv4" or "IPv6"`);
            }
            const proto = r.protocol;
            const named = ["tcp", "udp", "icmp", "ipv6-icmp", "sctp", "any"];
            if (proto !== undefined && !named.includes(proto) && !(/^\d+$/.test(proto) && Number(proto) <= 255)) {
                issues.add(`${p}.protocol`, `protocol "${proto}" is not known`, `use ${oneOf(named)} or an IP protocol number 0..255`);
            }
            const ports = proto === "tcp" || proto === "udp" || proto === "sctp";
            for (const f of ["portRangeMin", "portRangeMax"] as const) {
                const v = r[f];
                if (v === undefined) {
                    continue;
                }
                if (proto === "icmp" || proto === "ipv6-icmp") {
                    if (!Number.isInteger(v) || v < 0 || v > 255) {
                        issues.add(`${p}.${f}`, `ICMP type/code ${JSON.stringify(v)} is outside 0..255`, `use an ICMP type (min) and code (max)`);
                    }
                } else if (!ports) {
                    issues.add(`${p}.${f}`, `ports need protocol tcp, udp or sctp (got ${proto ?? "any"})`, `set protocol, or remove the port range`);
                } else if (!Number.isInteger(v) || v < 1 || v > 65535) {
                    issues.add(`${p}.${f}`, `port ${JSON.stringify(v)} is outside 1..65535`, `use a port number`);
                }
            }
            if (ports && Number.isInteger(r.portRangeMin) && Number.isInteger(r.portRangeMax) && (r.portRangeMin as number) > (r.portRangeMax as number)) {
                issues.add(`${p}.portRangeMax`, `port range ${r.portRangeMin}-${r.portRangeMax} ends before it starts`, `swap the ports`);
            }
            if (r.remoteIpPrefix !== undefined) {
                const range = cidrRange(r.remoteIpPrefix);
                if (!range) {
                    issues.add(`${p}.remoteIpPrefix`, `"${r.remoteIpPrefix}" is not a CIDR`, `use e.g. "0.0.0.0/0"`);
                } else if (`IPv${range.version}` !== r.ethertype) {
                    issues.add(`${p}.remoteIpPrefix`, `${r.remoteIpPrefix} is IPv${range.version} but the rule's ethertype is ${r.ethertype}`, `set ethertype: "IPv${range.version}"`);
                }
            }
        });
    });

    L.ntpServers.forEach((s, i) => {
        if (!isIp(s)) {
            issues.add(`networks.ntpServers[${i}]`, `${JSON.stringify(s)} is not an IP address`, `host routes need addresses; resolve the NTP server names first`);
        }
    });
    if (raw.enabled !== undefined && typeof raw.enabled !== "boolean") {
        issues.add("networks.enabled", `enabled must be true or false`, `write enabled: true`);
    }
}

/** Fields that must be lists. Specs often come from YAML, where a missing dash turns a list into a map. */
function checkListFields(spec: CloudSpec, issues: IssueList): void {
    const must = (path: string, v: unknown) => {
        if (v !== undefined && v !== null && !Array.isArray(v)) {
            issues.add(path, `must be a list, got ${typeof v === "object" ? "a map" : JSON.stringify(v)}`, `write it as a YAML/JSON list: [ ... ]`);
        }
    };
    const n = spec.services?.neutron;
    if (n !== undefined && (typeof n !== "object" || n === null)) {
        issues.add("services.neutron", `must be a map of Neutron settings`, `write e.g. { backend: "openvswitch" }`);
    }
    for (const f of ["extraMechanismDrivers", "typeDrivers", "projectNetworkTypes", "servicePlugins", "physnets", "vniRanges"] as const) {
        must(`services.neutron.${f}`, n?.[f]);
    }
    arr(n?.physnets).forEach((p, i) => must(`services.neutron.physnets[${i}].vlanRanges`, p?.vlanRanges));
    must("services.neutron.calico.etcdEndpoints", n?.calico?.etcdEndpoints);
    must("services.neutron.dpdk.socketMemory", n?.dpdk?.socketMemory);
    const l = spec.networks;
    if (l !== undefined && (typeof l !== "object" || l === null || Array.isArray(l))) {
        issues.add("networks", `must be a map (enabled, management, provider, tenants, routers, securityGroups)`, `write networks: { enabled: true, ... }`);
        return;
    }
    for (const f of ["provider", "tenants", "routers", "securityGroups", "ntpServers"] as const) {
        must(`networks.${f}`, l?.[f]);
    }
    const nets: [string, { subnets?: SubnetSpec[] } | undefined][] = [
        ["networks.management", l?.management],
        ...arr(l?.provider).map((p, i): [string, ProviderNetworkSpec] => [`networks.provider[${i}]`, p]),
        ...arr(l?.tenants).map((t, i): [string, TenantNetworkSpec] => [`networks.tenants[${i}]`, t]),
    ];
    for (const [path, net] of nets) {
        must(`${path}.subnets`, net?.subnets);
        arr(net?.subnets).forEach((sub, i) => {
            for (const f of ["allocationPools", "dnsNameservers", "hostRoutes"] as const) {
                must(`${path}.subnets[${i}].${f}`, sub?.[f]);
            }
        });
    }
    arr(l?.routers).forEach((r, i) => must(`networks.routers[${i}].interfaces`, r?.interfaces));
    arr(l?.securityGroups).forEach((g, i) => must(`networks.securityGroups[${i}].rules`, g?.rules));
}

export function checkNetworking(spec: CloudSpec, cloud: ResolvedCloud, issues: IssueList): void {
    checkListFields(spec, issues);
    checkNeutron(spec, cloud, issues);
    checkLayout(spec, cloud, issues);
}

/**
 * Validates a layout on its own, for `NetworkLayout` against an OpenStack that oskube did not deploy. Rules that need
 * node data (physnet coverage by network nodes' bridges) are skipped, because there are no nodes to check.
 */
export function validateNetworkLayout(layout: NetworkLayoutSpec, neutron?: NeutronSpec, cluster?: CloudSpec["cluster"], release?: string): SpecIssue[] {
    const spec: CloudSpec = { nodePools: [], services: { neutron }, networks: layout, cluster, release };
    const resolvedCloud: ResolvedCloud = { ...resolveFoundation(spec), networking: resolveNetworking(spec), compute: resolveCompute(spec) };
    const issues = new IssueList();
    checkNetworking(spec, resolvedCloud, issues);
    return issues.items;
}
