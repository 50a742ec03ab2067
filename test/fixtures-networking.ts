import { CloudSpec, NeutronSpec, NetworkLayoutSpec } from "../lib/spec";
import { devSpec, haSpec } from "./fixtures";

/** The article's layout: a management network, a flat provider network on physnet1, a VLAN provider network, a tenant network and a router. */
export function articleLayout(): NetworkLayoutSpec {
    return {
        enabled: true,
        ntpServers: ["192.0.2.123"],
        management: {
            name: "management", physnet: "physnet1", type: "vlan", segmentationId: 100, external: false,
            subnets: [{ name: "management-v4", cidr: "10.10.0.0/24", gateway: "10.10.0.1", dnsNameservers: ["9.9.9.9"], allocationPools: [{ start: "10.10.0.10", end: "10.10.0.200" }] }],
        },
        provider: [{
            name: "provider", physnet: "physnet1", type: "flat",
            subnets: [{ name: "provider-v4", cidr: "203.0.113.0/24", gateway: "203.0.113.1", allocationPools: [{ start: "203.0.113.100", end: "203.0.113.250" }], enableDhcp: false }],
        }],
        tenants: [{ name: "selfservice", subnets: [{ name: "selfservice-v4", cidr: "172.16.1.0/24", dnsNameservers: ["9.9.9.9"] }] }],
        routers: [{ name: "router", externalNetwork: "provider", interfaces: ["selfservice-v4"] }],
        securityGroups: [{ name: "ssh-icmp", rules: [{ protocol: "tcp", portRangeMin: 22, remoteIpPrefix: "0.0.0.0/0" }, { protocol: "icmp" }] }],
    };
}

function physnets(): NeutronSpec["physnets"] {
    return [{ name: "physnet1", bridge: "br-ex", vlanRanges: [{ min: 100, max: 199 }] }];
}

/** The dev cloud with the openvswitch backend (the article's choice), metering and the layout. */
export function ovsSpec(extra: Partial<NeutronSpec> = {}): CloudSpec {
    const s = devSpec();
    s.services = { neutron: { physnets: physnets(), servicePlugins: ["metering"], ...extra } };
    s.networks = articleLayout();
    s.cluster = { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12" };
    return s;
}

export function ovnSpec(): CloudSpec {
    const s = devSpec();
    s.services = { neutron: { backend: "ovn", physnets: physnets() } };
    return s;
}

export function calicoSpec(): CloudSpec {
    const s = devSpec();
    s.services = { neutron: { backend: "calico", calico: { etcdEndpoints: ["http://etcd.calico.svc:2379"] } } };
    return s;
}

/** Two network nodes with L3 HA, DVR and compute nodes with their own provider NICs. */
export function dvrSpec(): CloudSpec {
    const s = haSpec();
    s.nodePools[2].nodeDefaults = { bridgeInterfaces: { "br-ex": "eno3" } };
    s.services = { ...s.services, neutron: { l3AgentMode: "dvr_snat", l3Ha: true } };
    return s;
}
