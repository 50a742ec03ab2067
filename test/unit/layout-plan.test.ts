import { resolveSpec } from "../../lib/spec";
import { planNetworkLayout } from "../../lib/render/networkLayout";
import { firstHost, resolveLayout } from "../../lib/spec/networking";
import { articleLayout, ovnSpec, ovsSpec } from "../fixtures-networking";

describe("the OpenStack-side layout plan", () => {
    const plan = planNetworkLayout(resolveSpec(ovsSpec()).networking.layout);

    test("the article's management and provider networks are provider networks on physnet1", () => {
        expect(plan.networks.find((n) => n.name === "management")).toEqual({
            name: "management", role: "management", external: false, shared: false,
            segments: [{ networkType: "vlan", physicalNetwork: "physnet1", segmentationId: 100 }],
        });
        expect(plan.networks.find((n) => n.name === "provider")).toEqual({
            name: "provider", role: "provider", external: true, shared: false,
            segments: [{ networkType: "flat", physicalNetwork: "physnet1" }],
        });
    });

    test("tenant networks leave segment allocation to Neutron unless a VNI is given", () => {
        expect(plan.networks.find((n) => n.name === "selfservice")!.segments).toEqual([]);
        const s = ovsSpec();
        s.networks!.tenants![0].segmentationId = 42;
        expect(planNetworkLayout(resolveSpec(s).networking.layout).networks.find((n) => n.name === "selfservice")!.segments)
            .toEqual([{ networkType: "vxlan", segmentationId: 42 }]);
    });

    test("ovn tenant networks default to geneve", () => {
        const s = ovnSpec();
        s.networks = { tenants: [{ name: "t", segmentationId: 7, subnets: [{ name: "t1", cidr: "192.168.7.0/24" }] }] };
        expect(planNetworkLayout(resolveSpec(s).networking.layout).networks[0].segments).toEqual([{ networkType: "geneve", segmentationId: 7 }]);
    });

    test("subnets: gateway, pools, DNS, and NTP host routes through the gateway", () => {
        const mgmt = plan.subnets.find((s) => s.name === "management-v4")!;
        expect(mgmt).toEqual({
            name: "management-v4", network: "management", cidr: "10.10.0.0/24", ipVersion: 4,
            gatewayIp: "10.10.0.1", noGateway: false, enableDhcp: true,
            allocationPools: [{ start: "10.10.0.10", end: "10.10.0.200" }],
            dnsNameservers: ["9.9.9.9"],
            hostRoutes: [{ destinationCidr: "192.0.2.123/32", nextHop: "10.10.0.1" }],
        });
        // Tenant networks reach NTP through their router, not through a host route.
        expect(plan.subnets.find((s) => s.name === "selfservice-v4")!.hostRoutes).toEqual([]);
    });

    test("the default gateway is the first host; \"none\" means no gateway", () => {
        expect(plan.subnets.find((s) => s.name === "selfservice-v4")!.gatewayIp).toBe("172.16.1.1");
        expect(firstHost("10.0.0.0/8")).toBe("10.0.0.1");
        expect(firstHost("fd00::/64")).toBe("fd00::1");
        const l = articleLayout();
        l.tenants![0].subnets[0].gateway = "none";
        const sub = planNetworkLayout(resolveLayout(l, ["vxlan"])).subnets.find((s) => s.name === "selfservice-v4")!;
        expect(sub.noGateway).toBe(true);
        expect(sub.gatewayIp).toBeUndefined();
    });

    test("routers, security groups and floating-IP pools", () => {
        expect(plan.routers).toEqual([{ name: "router", externalNetwork: "provider", interfaces: ["selfservice-v4"], ha: undefined, distributed: undefined }]);
        expect(plan.securityGroups[0].rules).toEqual([
            { direction: "ingress", ethertype: "IPv4", protocol: "tcp", portRangeMin: 22, portRangeMax: 22, remoteIpPrefix: "0.0.0.0/0" },
            { direction: "ingress", ethertype: "IPv4", protocol: "icmp", portRangeMin: undefined, portRangeMax: undefined, remoteIpPrefix: undefined },
        ]);
        expect(plan.floatingIpPools).toEqual(["provider"]);
    });
});
