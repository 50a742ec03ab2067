import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { SpecError } from "../lib/errors";
import { planNetworkLayout } from "../lib/render/networkLayout";
import { ResolvedLayout, resolveNetworking, validateNetworkLayout } from "../lib/spec/networking";
import { CloudSpec, NetworkLayoutSpec, NeutronSpec } from "../lib/spec/types";
import { Opts, resolved, typeToken } from "./base";

/**
 * Either `spec` (a whole cloud spec; its `networks` is laid out and validated against its nodes and Neutron), or,
 * for an OpenStack that oskube did not deploy, `layout` with the `neutron` settings it must agree with (physnets,
 * VLAN and VNI ranges, type drivers). Exactly one of `spec` and `layout` is given.
 */
export interface NetworkLayoutArgs {
    spec?: CloudSpec;
    layout?: NetworkLayoutSpec;
    neutron?: NeutronSpec;
    /** Kubernetes pod and service CIDRs, checked for overlaps in standalone use. */
    cluster?: { podCidr?: string; serviceCidr?: string };
}

function layoutOf(args: NetworkLayoutArgs): ResolvedLayout {
    if ((args.spec === undefined) === (args.layout === undefined)) {
        throw new Error("oskube: NetworkLayout takes exactly one of `spec` (a cloud spec) or `layout` (with `neutron`)");
    }
    if (args.spec) {
        return resolved(args.spec).networking.layout;
    }
    const issues = validateNetworkLayout(args.layout!, args.neutron, args.cluster);
    if (issues.length > 0) {
        throw new SpecError(issues);
    }
    return resolveNetworking({ nodePools: [], services: { neutron: args.neutron }, networks: args.layout }).layout;
}

/**
 * The OpenStack side of the network layout through @pulumi/openstack: the article's management and provider
 * networks, tenant networks, subnets, routers with gateways and interfaces, security groups and floating-IP pools.
 * Pass an OpenStack provider with the standard `provider`/`providers` options. Everything is validated first.
 */
export class NetworkLayout extends pulumi.ComponentResource {
    readonly networkIds: pulumi.Output<Record<string, string>>;
    readonly subnetIds: pulumi.Output<Record<string, string>>;
    readonly routerIds: pulumi.Output<Record<string, string>>;
    readonly securityGroupIds: pulumi.Output<Record<string, string>>;
    /** External networks instances take floating IPs from. */
    readonly floatingIpPools: pulumi.Output<string[]>;

    constructor(name: string, args: NetworkLayoutArgs, opts?: Opts) {
        super(typeToken("NetworkLayout"), name, {}, opts);
        const plan = planNetworkLayout(layoutOf(args));
        const child = { parent: this };

        const networks = new Map<string, openstack.networking.Network>();
        for (const net of plan.networks) {
            networks.set(net.name, new openstack.networking.Network(`${name}-net-${net.name}`, {
                name: net.name,
                external: net.external,
                shared: net.shared,
                adminStateUp: true,
                ...(net.segments.length > 0 ? { segments: net.segments } : {}),
                tags: ["oskube", `oskube-role-${net.role}`],
            }, child));
        }
        const subnets = new Map<string, openstack.networking.Subnet>();
        for (const s of plan.subnets) {
            subnets.set(s.name, new openstack.networking.Subnet(`${name}-subnet-${s.name}`, {
                name: s.name,
                networkId: networks.get(s.network)!.id,
                cidr: s.cidr,
                ipVersion: s.ipVersion,
                ...(s.noGateway ? { noGateway: true } : { gatewayIp: s.gatewayIp }),
                enableDhcp: s.enableDhcp,
                allocationPools: s.allocationPools,
                dnsNameservers: s.dnsNameservers,
                hostRoutes: s.hostRoutes,
                tags: ["oskube"],
            }, child));
        }
        const routers = new Map<string, openstack.networking.Router>();
        for (const r of plan.routers) {
            const router = new openstack.networking.Router(`${name}-router-${r.name}`, {
                name: r.name,
                adminStateUp: true,
                ...(r.externalNetwork ? { externalNetworkId: networks.get(r.externalNetwork)!.id } : {}),
                ...(r.distributed !== undefined ? { distributed: r.distributed } : {}),
                ...(r.ha !== undefined ? { valueSpecs: { ha: String(r.ha) } } : {}),
                tags: ["oskube"],
            }, { parent: this, dependsOn: r.externalNetwork ? [...subnets.values()].filter((_, i) => plan.subnets[i].network === r.externalNetwork) : [] });
            routers.set(r.name, router);
            for (const s of r.interfaces) {
                new openstack.networking.RouterInterface(`${name}-router-${r.name}-${s}`, {
                    routerId: router.id,
                    subnetId: subnets.get(s)!.id,
                }, child);
            }
        }
        const groups = new Map<string, openstack.networking.SecGroup>();
        for (const g of plan.securityGroups) {
            const group = new openstack.networking.SecGroup(`${name}-sg-${g.name}`, { name: g.name, description: g.description, tags: ["oskube"] }, child);
            groups.set(g.name, group);
            g.rules.forEach((r, i) => new openstack.networking.SecGroupRule(`${name}-sg-${g.name}-${i}`, {
                securityGroupId: group.id,
                direction: r.direction,
                ethertype: r.ethertype,
                ...(r.protocol !== undefined && r.protocol !== "any" ? { protocol: r.protocol } : {}),
                portRangeMin: r.portRangeMin,
                portRangeMax: r.portRangeMax,
                remoteIpPrefix: r.remoteIpPrefix,
            }, child));
        }

        const ids = <T extends pulumi.CustomResource>(m: Map<string, T>) =>
            pulumi.all(Object.fromEntries([...m.entries()].map(([k, v]) => [k, v.id]))) as pulumi.Output<Record<string, string>>;
        this.networkIds = ids(networks);
        this.subnetIds = ids(subnets);
        this.routerIds = ids(routers);
        this.securityGroupIds = ids(groups);
        this.floatingIpPools = pulumi.output(plan.floatingIpPools);
        this.registerOutputs({
            networkIds: this.networkIds,
            subnetIds: this.subnetIds,
            routerIds: this.routerIds,
            securityGroupIds: this.securityGroupIds,
            floatingIpPools: this.floatingIpPools,
        });
    }
}
