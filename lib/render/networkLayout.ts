/**
 * The OpenStack-side layout as a plain plan: networks with their provider segments, subnets, routers with their
 * gateways and interfaces, security groups and rules. components/networkLayout.ts turns it into @pulumi/openstack
 * resources one to one. Pure, and only ever given a validated layout.
 */
import { ResolvedLayout, ResolvedProviderNetwork, ResolvedSubnet } from "../spec/networking";

export interface SegmentPlan {
    networkType: string;
    physicalNetwork?: string;
    segmentationId?: number;
}

export interface NetworkPlan {
    name: string;
    /** `management`, `provider` or `tenant`. */
    role: string;
    external: boolean;
    shared: boolean;
    /** Provider attributes; empty for tenant networks whose segment Neutron allocates. */
    segments: SegmentPlan[];
}

export interface SubnetPlan {
    name: string;
    network: string;
    cidr: string;
    ipVersion: number;
    /** Undefined with `noGateway`. */
    gatewayIp?: string;
    noGateway: boolean;
    enableDhcp: boolean;
    allocationPools: { start: string; end: string }[];
    dnsNameservers: string[];
    hostRoutes: { destinationCidr: string; nextHop: string }[];
}

export interface RouterPlan {
    name: string;
    externalNetwork?: string;
    /** Subnet names. */
    interfaces: string[];
    ha?: boolean;
    distributed?: boolean;
}

export interface SecurityGroupRulePlan {
    direction: string;
    ethertype: string;
    protocol?: string;
    portRangeMin?: number;
    portRangeMax?: number;
    remoteIpPrefix?: string;
}

export interface SecurityGroupPlan {
    name: string;
    description: string;
    rules: SecurityGroupRulePlan[];
}

export interface LayoutPlan {
    networks: NetworkPlan[];
    subnets: SubnetPlan[];
    routers: RouterPlan[];
    securityGroups: SecurityGroupPlan[];
    /** External networks: where floating IPs come from. */
    floatingIpPools: string[];
}

function subnetPlan(network: string, s: ResolvedSubnet): SubnetPlan {
    return {
        name: s.name,
        network,
        cidr: s.cidr,
        ipVersion: s.ipVersion,
        gatewayIp: s.gateway ?? undefined,
        noGateway: s.gateway === null,
        enableDhcp: s.enableDhcp,
        allocationPools: s.allocationPools.map((p) => ({ start: p.start, end: p.end })),
        dnsNameservers: [...s.dnsNameservers],
        hostRoutes: s.hostRoutes.map((r) => ({ destinationCidr: r.destination, nextHop: r.nexthop })),
    };
}

function providerPlan(p: ResolvedProviderNetwork, role: string): NetworkPlan {
    return {
        name: p.name,
        role,
        external: p.external,
        shared: p.shared,
        segments: [{ networkType: p.type, physicalNetwork: p.physnet, ...(p.type === "vlan" ? { segmentationId: p.segmentationId } : {}) }],
    };
}

export function planNetworkLayout(layout: ResolvedLayout): LayoutPlan {
    const providers = [
        ...(layout.management ? [{ net: layout.management, role: "management" }] : []),
        ...layout.provider.map((net) => ({ net, role: "provider" })),
    ];
    const networks: NetworkPlan[] = [
        ...providers.map((p) => providerPlan(p.net, p.role)),
        ...layout.tenants.map((t) => ({
            name: t.name,
            role: "tenant",
            external: false,
            shared: t.shared,
            segments: t.segmentationId !== undefined ? [{ networkType: t.type, segmentationId: t.segmentationId }] : [],
        })),
    ];
    const subnets = [
        ...providers.flatMap((p) => p.net.subnets.map((s) => subnetPlan(p.net.name, s))),
        ...layout.tenants.flatMap((t) => t.subnets.map((s) => subnetPlan(t.name, s))),
    ];
    return {
        networks,
        subnets,
        routers: layout.routers.map((r) => ({ name: r.name, externalNetwork: r.externalNetwork, interfaces: [...r.interfaces], ha: r.ha, distributed: r.distributed })),
        securityGroups: layout.securityGroups.map((g) => ({ name: g.name, description: g.description, rules: g.rules.map((r) => ({ ...r })) })),
        floatingIpPools: providers.filter((p) => p.net.external).map((p) => p.net.name),
    };
}
