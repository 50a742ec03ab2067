import fc from "fast-check";
import { CloudSpec, resolveSpec, validateSpec } from "../../lib/spec";
import { infraEndpoints } from "../../lib/render/infra";
import { planNetworkLayout } from "../../lib/render/networkLayout";
import { renderMl2Conf, renderNeutronConf, neutronServerPlaceholders } from "../../lib/render/neutron";
import { agentPlaceholders, renderAgentFiles } from "../../lib/render/neutronAgents";
import { ovsSpec } from "../fixtures-networking";

/** Specs come from YAML: any field may hold any value. Validation must report, never crash. */
type Poke = (s: any, v: unknown) => void;
const FIELDS: [string, Poke][] = [
    ["services.neutron", (s, v) => { s.services.neutron = v; }],
    ["services.neutron.backend", (s, v) => { s.services.neutron.backend = v; }],
    ["services.neutron.physnets", (s, v) => { s.services.neutron.physnets = v; }],
    ["services.neutron.physnets[0]", (s, v) => { s.services.neutron.physnets[0] = v; }],
    ["services.neutron.physnets[0].vlanRanges", (s, v) => { s.services.neutron.physnets[0].vlanRanges = v; }],
    ["services.neutron.vniRanges", (s, v) => { s.services.neutron.vniRanges = v; }],
    ["services.neutron.typeDrivers", (s, v) => { s.services.neutron.typeDrivers = v; }],
    ["services.neutron.projectNetworkTypes", (s, v) => { s.services.neutron.projectNetworkTypes = v; }],
    ["services.neutron.servicePlugins", (s, v) => { s.services.neutron.servicePlugins = v; }],
    ["services.neutron.extraMechanismDrivers", (s, v) => { s.services.neutron.extraMechanismDrivers = v; }],
    ["services.neutron.dpdk", (s, v) => { s.services.neutron.dpdk = v; }],
    ["services.neutron.openflow", (s, v) => { s.services.neutron.openflow = v; }],
    ["services.neutron.calico", (s, v) => { s.services.neutron.calico = v; }],
    ["services.neutron.l3AgentMode", (s, v) => { s.services.neutron.l3AgentMode = v; }],
    ["services.neutron.dnsDomain", (s, v) => { s.services.neutron.dnsDomain = v; }],
    ["services.octavia", (s, v) => { s.services.octavia = v; }],
    ["networks", (s, v) => { s.networks = v; }],
    ["networks.management", (s, v) => { s.networks.management = v; }],
    ["networks.provider", (s, v) => { s.networks.provider = v; }],
    ["networks.provider[0]", (s, v) => { s.networks.provider[0] = v; }],
    ["networks.tenants", (s, v) => { s.networks.tenants = v; }],
    ["networks.tenants[0].subnets", (s, v) => { s.networks.tenants[0].subnets = v; }],
    ["networks.tenants[0].subnets[0]", (s, v) => { s.networks.tenants[0].subnets[0] = v; }],
    ["networks.tenants[0].subnets[0].cidr", (s, v) => { s.networks.tenants[0].subnets[0].cidr = v; }],
    ["networks.tenants[0].subnets[0].gateway", (s, v) => { s.networks.tenants[0].subnets[0].gateway = v; }],
    ["networks.tenants[0].subnets[0].allocationPools", (s, v) => { s.networks.tenants[0].subnets[0].allocationPools = v; }],
    ["networks.tenants[0].subnets[0].hostRoutes", (s, v) => { s.networks.tenants[0].subnets[0].hostRoutes = v; }],
    ["networks.tenants[0].subnets[0].dnsNameservers", (s, v) => { s.networks.tenants[0].subnets[0].dnsNameservers = v; }],
    ["networks.routers", (s, v) => { s.networks.routers = v; }],
    ["networks.routers[0].interfaces", (s, v) => { s.networks.routers[0].interfaces = v; }],
    ["networks.securityGroups", (s, v) => { s.networks.securityGroups = v; }],
    ["networks.securityGroups[0].rules", (s, v) => { s.networks.securityGroups[0].rules = v; }],
    ["networks.securityGroups[0].rules[0]", (s, v) => { s.networks.securityGroups[0].rules[0] = v; }],
    ["networks.ntpServers", (s, v) => { s.networks.ntpServers = v; }],
];

test("any value in any networking field is reported or rendered, never a crash", () => {
    fc.assert(fc.property(fc.nat(FIELDS.length - 1), fc.anything(), (i, v) => {
        const s: CloudSpec = ovsSpec();
        FIELDS[i][1](s, v);
        const issues = validateSpec(s);
        if (issues.length === 0) {
            const r = resolveSpec(s);
            const infra = infraEndpoints(r);
            renderNeutronConf(r, infra, neutronServerPlaceholders());
            renderMl2Conf(r);
            renderAgentFiles(r, infra, {}, agentPlaceholders());
            planNetworkLayout(r.networking.layout);
        }
    }), { numRuns: 3000 });
});

test.each([
    ["services.neutron.physnets", (s: any) => { s.services.neutron.physnets = { name: "physnet1" }; }],
    ["networks.tenants", (s: any) => { s.networks.tenants = { name: "t" }; }],
    ["networks.tenants[0].subnets[0].allocationPools", (s: any) => { s.networks.tenants[0].subnets[0].allocationPools = { start: "172.16.1.10", end: "172.16.1.20" }; }],
])("a map where a list belongs is reported at %s", (path, poke) => {
    const s = ovsSpec();
    poke(s);
    expect(validateSpec(s)).toContainEqual(expect.objectContaining({ path, message: "must be a list, got a map" }));
});
