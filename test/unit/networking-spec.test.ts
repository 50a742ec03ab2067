import fc from "fast-check";
import { CloudSpec, SpecError, resolveSpec, validateSpec } from "../../lib/spec";
import { cidrRange, contains, overlaps, projectNetworkTypesOption, validateNetworkLayout } from "../../lib/spec/networking";
import { devSpec, haSpec } from "../fixtures";
import { articleLayout, calicoSpec, dvrSpec, ovnSpec, ovsSpec } from "../fixtures-networking";

function issuesOf(spec: CloudSpec) {
    return validateSpec(spec);
}

describe("valid networking specs", () => {
    test.each([
        ["dev (defaults)", devSpec()],
        ["ha (defaults)", haSpec()],
        ["openvswitch with the article's layout", ovsSpec()],
        ["ovn", ovnSpec()],
        ["calico", calicoSpec()],
        ["dvr + l3 ha", dvrSpec()],
    ])("%s validates cleanly", (_n, spec) => {
        expect(issuesOf(spec)).toEqual([]);
    });

    test("defaults follow the install guide and domain.md", () => {
        const n = resolveSpec(devSpec()).networking.neutron;
        expect(n.backend).toBe("openvswitch");
        expect(n.mechanismDrivers).toEqual(["openvswitch", "l2population"]);
        expect(n.typeDrivers).toEqual(["flat", "vlan", "vxlan"]);
        expect(n.projectNetworkTypes).toEqual(["vxlan"]);
        expect(n.servicePlugins).toEqual(["router"]);
        expect(n.vniRanges).toEqual([{ min: 1, max: 1000 }]);
        expect(n.physnets).toEqual([{ name: "physnet1", bridge: "br-ex", vlanRanges: [] }]);
        expect(n.openflow).toEqual({ listenAddress: "127.0.0.1", listenPort: 6633 });
        expect(n.l3Ha).toBe(false);
        expect(resolveSpec(haSpec()).networking.neutron.l3Ha).toBe(true);
    });

    test("ovn and calico defaults", () => {
        const ovn = resolveSpec(ovnSpec()).networking.neutron;
        expect(ovn.mechanismDrivers).toEqual(["ovn"]);
        expect(ovn.typeDrivers).toEqual(["flat", "vlan", "geneve"]);
        expect(ovn.servicePlugins).toEqual(["ovn-router"]);
        expect(ovn.l3Ha).toBe(false);
        const calico = resolveSpec(calicoSpec()).networking.neutron;
        expect(calico.mechanismDrivers).toEqual(["calico"]);
        expect(calico.typeDrivers).toEqual(["flat", "local"]);
        expect(calico.servicePlugins).toEqual([]);
    });

    test("project_network_types is named for the release", () => {
        expect(projectNetworkTypesOption("2025.1")).toBe("tenant_network_types");
        expect(projectNetworkTypesOption("2025.2")).toBe("tenant_network_types");
        expect(projectNetworkTypesOption("2026.1")).toBe("project_network_types");
        expect(projectNetworkTypesOption("2026.2")).toBe("project_network_types");
    });
});

describe("legacy names from the article", () => {
    test("linuxbridge is rejected: removed in 2025.1", () => {
        const s = devSpec();
        s.services = { neutron: { backend: "linuxbridge" } };
        const [issue] = issuesOf(s);
        expect(issue.path).toBe("services.neutron.backend");
        expect(issue.message).toMatch(/removed in 2025\.1/);
        expect(issue.fix).toMatch(/openvswitch.*ovn/);
        expect(() => resolveSpec(s)).toThrow(SpecError);
    });

    test("linuxbridge as an extra mechanism driver is rejected the same way", () => {
        const s = devSpec();
        s.services = { neutron: { extraMechanismDrivers: ["linuxbridge"] } };
        expect(issuesOf(s)).toEqual([expect.objectContaining({ path: "services.neutron.extraMechanismDrivers[0]", message: expect.stringMatching(/removed in 2025\.1/) })]);
    });

    test("ryu explains the OVS agent's built-in os-ken controller and points at of_listen_*", () => {
        const s = devSpec();
        s.services = { neutron: { backend: "ryu" } };
        const [issue] = issuesOf(s);
        expect(issue.path).toBe("services.neutron.backend");
        expect(issue.message).toMatch(/os-ken/);
        expect(issue.fix).toMatch(/of_listen_address\/of_listen_port/);
    });

    test("ofagent is rejected with the same advice", () => {
        const s = devSpec();
        s.services = { neutron: { backend: "ofagent" } };
        expect(issuesOf(s)[0].fix).toMatch(/openflow/);
    });

    test("the native controller the article calls Ryu is configured through openflow", () => {
        const s = devSpec();
        s.services = { neutron: { openflow: { listenAddress: "127.0.0.1", listenPort: 6653 } } };
        expect(issuesOf(s)).toEqual([]);
        expect(resolveSpec(s).networking.neutron.openflow.listenPort).toBe(6653);
    });

    test("lbaas maps to Octavia", () => {
        const s = devSpec();
        s.services = { neutron: { servicePlugins: ["lbaas"] } };
        expect(issuesOf(s)).toEqual([]);
        const r = resolveSpec(s).networking;
        expect(r.octavia.enabled).toBe(true);
        expect(r.neutron.servicePlugins).toEqual(["router"]);
        expect(r.neutron.lbaasRequested).toBe(true);
    });

    test("lbaas with Octavia explicitly disabled is an error with the advice", () => {
        const s = devSpec();
        s.services = { neutron: { servicePlugins: ["lbaasv2"] }, octavia: { enabled: false } };
        const [issue] = issuesOf(s);
        expect(issue.path).toBe("services.neutron.servicePlugins[0]");
        expect(issue.message).toMatch(/retired in Train/);
        expect(issue.fix).toMatch(/services\.octavia\.enabled: true/);
    });

    test("lbaas as a backend is rejected with the Octavia advice", () => {
        const s = devSpec();
        s.services = { neutron: { backend: "lbaas" } };
        expect(issuesOf(s)[0].fix).toMatch(/octavia/);
    });
});

type Mutate = (s: CloudSpec) => void;
const neutron = (s: CloudSpec) => (s.services!.neutron ??= {});
const layout = (s: CloudSpec) => s.networks!;

/** [what, mutation of ovsSpec(), expected path, message pattern] */
const INVALID: [string, Mutate, string, RegExp][] = [
    ["unknown backend", (s) => { neutron(s).backend = "nsx"; }, "services.neutron.backend", /unknown ML2 backend/],
    ["unknown extra mechanism driver", (s) => { neutron(s).extraMechanismDrivers = ["foo"]; }, "services.neutron.extraMechanismDrivers[0]", /unknown extra mechanism driver/],
    ["a second core backend as extra driver", (s) => { neutron(s).extraMechanismDrivers = ["ovn"]; }, "services.neutron.extraMechanismDrivers[0]", /only one core backend/],
    ["unknown type driver", (s) => { neutron(s).typeDrivers = ["flat", "vlan", "vxlan", "gre"]; }, "services.neutron.typeDrivers[3]", /unknown type driver "gre"/],
    ["geneve without ovn", (s) => { neutron(s).typeDrivers = ["flat", "vlan", "vxlan", "geneve"]; }, "services.neutron.typeDrivers[3]", /geneve networks need the ovn backend/],
    ["project type not among type drivers", (s) => { neutron(s).projectNetworkTypes = ["geneve"]; }, "services.neutron.projectNetworkTypes[0]", /not among the type drivers/],
    ["unknown service plugin", (s) => { neutron(s).servicePlugins = ["firewall"]; }, "services.neutron.servicePlugins[0]", /unknown service plugin/],
    ["metering with ovn", (s) => { neutron(s).backend = "ovn"; neutron(s).typeDrivers = undefined; s.networks = undefined; }, "services.neutron.servicePlugins[0]", /only with the L3 agent/],
    ["bad physnet name", (s) => { neutron(s).physnets = [{ name: "phys net" }]; }, "services.neutron.physnets[0].name", /not valid/],
    ["duplicate physnet", (s) => { neutron(s).physnets = [{ name: "physnet1", vlanRanges: [{ min: 100, max: 199 }] }, { name: "physnet1", bridge: "br-ex2" }]; }, "services.neutron.physnets[1].name", /also defined/],
    ["br-int as provider bridge", (s) => { neutron(s).physnets = [{ name: "physnet1", bridge: "br-int", vlanRanges: [{ min: 100, max: 199 }] }]; }, "services.neutron.physnets[0].bridge", /cannot be a provider bridge/],
    ["physnet bridge on no network node", (s) => { neutron(s).physnets!.push({ name: "physnet2", bridge: "br-data" }); }, "services.neutron.physnets[1].bridge", /no network node binds br-data/],
    ["two physnets on one bridge", (s) => { neutron(s).physnets!.push({ name: "physnet2", bridge: "br-ex" }); }, "services.neutron.physnets[1].bridge", /share bridge br-ex/],
    ["VLAN range beyond 4094", (s) => { neutron(s).physnets![0].vlanRanges = [{ min: 100, max: 5000 }]; }, "services.neutron.physnets[0].vlanRanges[0]", /outside 1\.\.4094/],
    ["VLAN range reversed", (s) => { neutron(s).physnets![0].vlanRanges = [{ min: 300, max: 200 }]; }, "services.neutron.physnets[0].vlanRanges[0]", /swap|ends at/],
    ["VLAN ranges overlap", (s) => { neutron(s).physnets![0].vlanRanges = [{ min: 100, max: 199 }, { min: 150, max: 250 }]; }, "services.neutron.physnets[0].vlanRanges[1]", /overlaps/],
    ["VNI range beyond 2^24", (s) => { neutron(s).vniRanges = [{ min: 1, max: 16777216 }]; }, "services.neutron.vniRanges[0]", /outside 1\.\.16777215/],
    ["no network nodes", (s) => { s.nodePools = s.nodePools.filter((p) => p.name !== "network"); s.networks = undefined; }, "nodePools", /needs network-role nodes/],
    ["calico without etcd", (s) => { neutron(s).backend = "calico"; neutron(s).servicePlugins = []; neutron(s).physnets = undefined; s.networks = undefined; }, "services.neutron.calico.etcdEndpoints", /etcd datastore/],
    ["calico etcd not a URL", (s) => { s.services!.neutron = { backend: "calico", calico: { etcdEndpoints: ["etcd:2379"] } }; s.networks = undefined; }, "services.neutron.calico.etcdEndpoints[0]", /not an http/],
    ["calico settings with openvswitch", (s) => { neutron(s).calico = { etcdEndpoints: ["http://e:2379"] }; }, "services.neutron.calico", /ignored/],
    ["l3 agent mode dvr on network nodes", (s) => { neutron(s).l3AgentMode = "dvr"; }, "services.neutron.l3AgentMode", /compute-node L3 agents/],
    ["unknown l3 agent mode", (s) => { neutron(s).l3AgentMode = "ha"; }, "services.neutron.l3AgentMode", /unknown L3 agent mode/],
    ["l3 agent mode with ovn", (s) => { s.services!.neutron = { backend: "ovn", l3AgentMode: "legacy" }; s.networks = undefined; }, "services.neutron.l3AgentMode", /runs no L3 agent/],
    ["l3 HA with one network node", (s) => { neutron(s).l3Ha = true; }, "services.neutron.l3Ha", /at least 2 network nodes/],
    ["max L3 agents below 2", (s) => { neutron(s).maxL3AgentsPerRouter = 1; }, "services.neutron.maxL3AgentsPerRouter", /at least 2/],
    ["DVR without compute provider NICs", (s) => { neutron(s).l3AgentMode = "dvr_snat"; }, "nodePools[2].nodes[0].bridgeInterfaces", /with DVR, compute node "dev-compute-0"/],
    ["openflow with ovn", (s) => { s.services!.neutron = { backend: "ovn", openflow: { listenPort: 6633 } }; s.networks = undefined; }, "services.neutron.openflow", /belongs to the OVS agent/],
    ["openflow address not an IP", (s) => { neutron(s).openflow = { listenAddress: "localhost" }; }, "services.neutron.openflow.listenAddress", /not an IP/],
    ["openflow port out of range", (s) => { neutron(s).openflow = { listenPort: 70000 }; }, "services.neutron.openflow.listenPort", /not a TCP port/],
    ["DPDK without hugepages", (s) => { neutron(s).dpdk = { enabled: true, pmdCpuMask: "0x6", lcoreMask: "0x1" }; }, "services.neutron.dpdk", /needs hugepages/],
    ["DPDK hugepages not a quantity", (s) => { neutron(s).dpdk = { enabled: true, hugepages1Gi: "4GB", pmdCpuMask: "0x6", lcoreMask: "0x1" }; }, "services.neutron.dpdk.hugepages1Gi", /not a binary quantity/],
    ["DPDK without PMD mask", (s) => { neutron(s).dpdk = { enabled: true, hugepages1Gi: "4Gi", lcoreMask: "0x1" }; }, "services.neutron.dpdk.pmdCpuMask", /PMD CPU mask/],
    ["DPDK mask not hex", (s) => { neutron(s).dpdk = { enabled: true, hugepages1Gi: "4Gi", pmdCpuMask: "6", lcoreMask: "0x1" }; }, "services.neutron.dpdk.pmdCpuMask", /hex CPU mask/],
    ["DPDK masks overlap", (s) => { neutron(s).dpdk = { enabled: true, hugepages1Gi: "4Gi", pmdCpuMask: "0x3", lcoreMask: "0x1" }; }, "services.neutron.dpdk.pmdCpuMask", /share CPUs/],
    ["DPDK socket memory", (s) => { neutron(s).dpdk = { enabled: true, hugepages1Gi: "4Gi", pmdCpuMask: "0x6", lcoreMask: "0x1", socketMemory: [1024, -1] }; }, "services.neutron.dpdk.socketMemory[1]", /whole number/],
    ["DPDK with calico", (s) => { s.services!.neutron = { backend: "calico", calico: { etcdEndpoints: ["http://e:2379"] }, dpdk: { enabled: true, hugepages1Gi: "4Gi", pmdCpuMask: "0x6", lcoreMask: "0x1" } }; s.networks = undefined; }, "services.neutron.dpdk.enabled", /does not run OVS/],
    ["MTU too small", (s) => { neutron(s).globalPhysnetMtu = 1000; }, "services.neutron.globalPhysnetMtu", /outside 1280\.\.9216/],
    ["dns domain without dot", (s) => { neutron(s).dnsDomain = "example.com"; }, "services.neutron.dnsDomain", /fully qualified/],
    ["octavia with calico", (s) => { s.services = { neutron: { backend: "calico", calico: { etcdEndpoints: ["http://e:2379"] } }, octavia: { enabled: true } }; s.networks = undefined; }, "services.octavia.enabled", /routed management network/],
    ["neutron replicas zero", (s) => { neutron(s).replicas = 0; }, "services.neutron.replicas", /at least 1/],
    // Layout.
    ["subnet CIDR invalid", (s) => { layout(s).tenants![0].subnets[0].cidr = "172.16.1.0/33"; }, "networks.tenants[0].subnets[0].cidr", /not a CIDR/],
    ["overlapping subnets across networks", (s) => { layout(s).tenants![0].subnets[0].cidr = "10.10.0.128/25"; layout(s).tenants![0].subnets[0].gateway = undefined; }, "networks.tenants[0].subnets[0].cidr", /overlaps 10\.10\.0\.0\/24 at networks\.management\.subnets\[0\]\.cidr/],
    ["subnet overlaps the pod CIDR", (s) => { layout(s).tenants![0].subnets[0].cidr = "10.244.7.0/24"; }, "networks.tenants[0].subnets[0].cidr", /Kubernetes pod CIDR/],
    ["subnet overlaps the service CIDR", (s) => { layout(s).tenants![0].subnets[0].cidr = "10.100.0.0/24"; }, "networks.tenants[0].subnets[0].cidr", /Kubernetes service CIDR/],
    ["gateway outside the subnet", (s) => { layout(s).provider![0].subnets[0].gateway = "198.51.100.1"; }, "networks.provider[0].subnets[0].gateway", /outside 203\.0\.113\.0\/24/],
    ["gateway is the broadcast address", (s) => { layout(s).provider![0].subnets[0].gateway = "203.0.113.255"; }, "networks.provider[0].subnets[0].gateway", /broadcast address/],
    ["gateway not an IP", (s) => { layout(s).provider![0].subnets[0].gateway = "router"; }, "networks.provider[0].subnets[0].gateway", /not an IP/],
    ["pool outside the CIDR", (s) => { layout(s).provider![0].subnets[0].allocationPools = [{ start: "203.0.113.100", end: "203.0.114.10" }]; }, "networks.provider[0].subnets[0].allocationPools[0]", /not inside/],
    ["pool covers the gateway", (s) => { layout(s).provider![0].subnets[0].allocationPools = [{ start: "203.0.113.1", end: "203.0.113.50" }]; }, "networks.provider[0].subnets[0].allocationPools[0]", /covers the gateway/],
    ["pool covers the default gateway", (s) => { layout(s).tenants![0].subnets[0].allocationPools = [{ start: "172.16.1.1", end: "172.16.1.100" }]; }, "networks.tenants[0].subnets[0].allocationPools[0]", /covers the gateway 172\.16\.1\.1/],
    ["pool reversed", (s) => { layout(s).provider![0].subnets[0].allocationPools = [{ start: "203.0.113.200", end: "203.0.113.100" }]; }, "networks.provider[0].subnets[0].allocationPools[0]", /after it ends/],
    ["pools overlap", (s) => { layout(s).provider![0].subnets[0].allocationPools = [{ start: "203.0.113.10", end: "203.0.113.50" }, { start: "203.0.113.40", end: "203.0.113.60" }]; }, "networks.provider[0].subnets[0].allocationPools[1]", /overlaps/],
    ["DNS server not an IP", (s) => { layout(s).tenants![0].subnets[0].dnsNameservers = ["dns.example"]; }, "networks.tenants[0].subnets[0].dnsNameservers[0]", /not an IP/],
    ["host route next hop off-subnet", (s) => { layout(s).tenants![0].subnets[0].hostRoutes = [{ destination: "10.50.0.0/16", nexthop: "10.0.0.1" }]; }, "networks.tenants[0].subnets[0].hostRoutes[0].nexthop", /not an address inside/],
    ["ipVersion mismatch", (s) => { layout(s).tenants![0].subnets[0].ipVersion = 6; }, "networks.tenants[0].subnets[0].ipVersion", /does not match/],
    ["VLAN outside the physnet's ranges", (s) => { layout(s).management!.segmentationId = 300; }, "networks.management.segmentationId", /outside physnet "physnet1"'s network_vlan_ranges \(100:199\)/],
    ["VLAN network without ID", (s) => { layout(s).management!.segmentationId = undefined; }, "networks.management.segmentationId", /needs a VLAN ID/],
    ["duplicate VLAN on a physnet", (s) => { layout(s).provider!.push({ name: "vlan2", physnet: "physnet1", type: "vlan", segmentationId: 100, external: false, subnets: [{ name: "vlan2-v4", cidr: "192.168.50.0/24" }] }); }, "networks.provider[1].segmentationId", /already used/],
    ["physnet not defined", (s) => { layout(s).provider![0].physnet = "physnet9"; }, "networks.provider[0].physnet", /not defined in services\.neutron\.physnets/],
    ["physnet bridge covered by no network node", (s) => {
        neutron(s).physnets!.push({ name: "physnet2", bridge: "br-data" });
        s.nodePools[2].nodeDefaults = { ...s.nodePools[2].nodeDefaults, bridgeInterfaces: { "br-data": "eth2" } };
        layout(s).provider![0].physnet = "physnet2";
    }, "networks.provider[0].physnet", /no network node binds to a NIC/],
    ["second flat network on a physnet", (s) => { layout(s).provider!.push({ name: "flat2", physnet: "physnet1", subnets: [{ name: "flat2-v4", cidr: "192.168.60.0/24" }] }); }, "networks.provider[1].physnet", /one flat network/],
    ["flat network with a segmentation ID", (s) => { layout(s).provider![0].segmentationId = 5; }, "networks.provider[0].segmentationId", /take no segmentation ID/],
    ["provider type vxlan", (s) => { layout(s).provider![0].type = "vxlan"; }, "networks.provider[0].type", /not "flat" or "vlan"/],
    ["tenant VNI out of range", (s) => { layout(s).tenants![0].segmentationId = 5000; }, "networks.tenants[0].segmentationId", /VNI 5000 is outside services\.neutron\.vniRanges \(1:1000\)/],
    ["tenant geneve on openvswitch", (s) => { layout(s).tenants![0].type = "geneve"; }, "networks.tenants[0].type", /not among services\.neutron\.typeDrivers/],
    ["tenant type flat", (s) => { layout(s).tenants![0].type = "flat"; }, "networks.tenants[0].type", /not an overlay type/],
    ["duplicate network names", (s) => { layout(s).tenants![0].name = "provider"; }, "networks.tenants[0].name", /also defined at networks\.provider\[0\]/],
    ["duplicate subnet names", (s) => { layout(s).tenants![0].subnets[0].name = "provider-v4"; }, "networks.tenants[0].subnets[0].name", /also defined/],
    ["network without subnets", (s) => { layout(s).tenants![0].subnets = []; layout(s).routers = []; }, "networks.tenants[0].subnets", /has no subnet/],
    ["router to an unknown external network", (s) => { layout(s).routers![0].externalNetwork = "internet"; }, "networks.routers[0].externalNetwork", /no provider network is called "internet"/],
    ["router gateway on a non-external network", (s) => { layout(s).routers![0].externalNetwork = "management"; }, "networks.routers[0].externalNetwork", /not external/],
    ["router interface to an unknown subnet", (s) => { layout(s).routers![0].interfaces = ["nope"]; }, "networks.routers[0].interfaces[0]", /no subnet is called "nope"/],
    ["subnet on two routers", (s) => { layout(s).routers!.push({ name: "router2", interfaces: ["selfservice-v4"] }); }, "networks.routers[1].interfaces[0]", /already attached/],
    ["router interface on a gateway-less subnet", (s) => { layout(s).tenants![0].subnets[0].gateway = "none"; }, "networks.routers[0].interfaces[0]", /has no gateway/],
    ["HA router with one network node", (s) => { layout(s).routers![0].ha = true; }, "networks.routers[0].ha", /at least 2 network nodes/],
    ["distributed router without DVR", (s) => { layout(s).routers![0].distributed = true; }, "networks.routers[0].distributed", /needs DVR/],
    ["routers with calico", (s) => { s.services = { neutron: { backend: "calico", calico: { etcdEndpoints: ["http://e:2379"] }, typeDrivers: ["flat", "local"] } }; s.networks = { routers: [{ name: "r" }] }; }, "networks.routers[0]", /calico backend routes every port/],
    ["security group named default", (s) => { layout(s).securityGroups![0].name = "default"; }, "networks.securityGroups[0].name", /Neutron creates/],
    ["security rule bad direction", (s) => { layout(s).securityGroups![0].rules[0].direction = "inbound"; }, "networks.securityGroups[0].rules[0].direction", /not "ingress" or "egress"/],
    ["security rule port without protocol", (s) => { layout(s).securityGroups![0].rules[0].protocol = undefined; }, "networks.securityGroups[0].rules[0].portRangeMin", /need protocol tcp/],
    ["security rule port out of range", (s) => { layout(s).securityGroups![0].rules[0].portRangeMin = 0; layout(s).securityGroups![0].rules[0].portRangeMax = 22; }, "networks.securityGroups[0].rules[0].portRangeMin", /outside 1\.\.65535/],
    ["security rule prefix family mismatch", (s) => { layout(s).securityGroups![0].rules[0].remoteIpPrefix = "::/0"; layout(s).securityGroups![0].rules[0].ethertype = "IPv4"; }, "networks.securityGroups[0].rules[0].remoteIpPrefix", /is IPv6/],
    ["unknown protocol", (s) => { layout(s).securityGroups![0].rules[1].protocol = "http"; }, "networks.securityGroups[0].rules[1].protocol", /not known/],
    ["NTP server not an IP", (s) => { layout(s).ntpServers = ["pool.ntp.org"]; }, "networks.ntpServers[0]", /not an IP/],
];

describe("invalid networking specs: each names its field, says what is wrong and how to fix it", () => {
    test(`there are at least 20 (${INVALID.length})`, () => {
        expect(INVALID.length).toBeGreaterThanOrEqual(20);
    });

    test.each(INVALID)("%s", (_what, mutate, path, message) => {
        const s = ovsSpec();
        mutate(s);
        const issues = issuesOf(s);
        const hit = issues.find((i) => i.path === path && message.test(i.message));
        if (!hit) {
            throw new Error(`expected an issue at ${path} matching ${message}; got:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`);
        }
        expect(hit.fix.length).toBeGreaterThan(5);
        expect(() => resolveSpec(s)).toThrow(SpecError);
    });
});

describe("standalone layout validation", () => {
    test("the article's layout with its neutron settings is valid, node rules skipped", () => {
        expect(validateNetworkLayout(articleLayout(), { physnets: [{ name: "physnet1", vlanRanges: [{ min: 100, max: 199 }] }] })).toEqual([]);
    });

    test("VLAN ranges still come from the neutron spec", () => {
        const issues = validateNetworkLayout(articleLayout(), { physnets: [{ name: "physnet1" }] });
        expect(issues.map((i) => i.path)).toEqual(["networks.management.segmentationId"]);
    });

    test("pod CIDR overlaps are checked when the cluster is given", () => {
        const issues = validateNetworkLayout(articleLayout(), { physnets: [{ name: "physnet1", vlanRanges: [{ min: 100, max: 199 }] }] }, { podCidr: "172.16.0.0/16" });
        expect(issues.map((i) => i.path)).toEqual(["networks.tenants[0].subnets[0].cidr"]);
    });
});

describe("CIDR arithmetic (property tests)", () => {
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), fc.integer({ min: 8, max: 30 }))
        .map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);

    test("overlap is symmetric, and a CIDR overlaps itself and contains its own sub-range", () => {
        fc.assert(fc.property(v4, v4, (x, y) => {
            const a = cidrRange(x)!;
            const b = cidrRange(y)!;
            expect(overlaps(a, b)).toBe(overlaps(b, a));
            expect(overlaps(a, a)).toBe(true);
            // Two CIDRs either nest or are disjoint.
            expect(overlaps(a, b)).toBe(contains(a, b) || contains(b, a));
        }));
    });

    test("any two subnets that overlap are reported, disjoint ones are not", () => {
        fc.assert(fc.property(v4, v4, (x, y) => {
            const s = devSpec();
            s.networks = { tenants: [{ name: "a", subnets: [{ name: "a1", cidr: x, gateway: "none" }] }, { name: "b", subnets: [{ name: "b1", cidr: y, gateway: "none" }] }] };
            const reported = validateSpec(s).some((i) => i.path === "networks.tenants[1].subnets[0].cidr" && /overlaps/.test(i.message));
            expect(reported).toBe(overlaps(cidrRange(x)!, cidrRange(y)!));
        }), { numRuns: 200 });
    });

    test("a VLAN ID is accepted exactly when some physnet range holds it", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 4094 }), fc.integer({ min: 1, max: 4094 }), fc.integer({ min: 0, max: 200 }), (vlan, min, width) => {
            const max = Math.min(4094, min + width);
            const s = devSpec();
            s.services = { neutron: { physnets: [{ name: "physnet1", vlanRanges: [{ min, max }] }] } };
            s.networks = { provider: [{ name: "p", physnet: "physnet1", type: "vlan", segmentationId: vlan, subnets: [{ name: "p1", cidr: "192.168.0.0/24" }] }] };
            const rejected = validateSpec(s).some((i) => i.path === "networks.provider[0].segmentationId");
            expect(rejected).toBe(vlan < min || vlan > max);
        }), { numRuns: 300 });
    });

    test("a tenant VNI is accepted exactly when it is inside vniRanges", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 20000 }), fc.integer({ min: 1, max: 10000 }), (vni, max) => {
            const s = devSpec();
            s.services = { neutron: { vniRanges: [{ min: 1, max }] } };
            s.networks = { tenants: [{ name: "t", segmentationId: vni, subnets: [{ name: "t1", cidr: "192.168.0.0/24" }] }] };
            expect(validateSpec(s).some((i) => i.path === "networks.tenants[0].segmentationId")).toBe(vni > max);
        }), { numRuns: 300 });
    });
});
