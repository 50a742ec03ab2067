import * as fc from "fast-check";
import { CloudSpec, validateSpec } from "../../lib/spec";
import { haSpec } from "../fixtures";

/** Foundation fields a YAML typo can fill with any value. */
const FIELDS: [string, (s: CloudSpec, v: unknown) => void][] = [
    ["release", (s, v) => { (s as any).release = v; }],
    ["devMode", (s, v) => { (s as any).devMode = v; }],
    ["nodePools", (s, v) => { (s as any).nodePools = v; }],
    ["nodePools[0]", (s, v) => { (s.nodePools as any)[0] = v; }],
    ["nodePools[0].name", (s, v) => { (s.nodePools[0] as any).name = v; }],
    ["nodePools[0].roles", (s, v) => { (s.nodePools[0] as any).roles = v; }],
    ["nodePools[0].roles[0]", (s, v) => { (s.nodePools[0].roles as any)[0] = v; }],
    ["nodePools[0].nodes", (s, v) => { (s.nodePools[0] as any).nodes = v; }],
    ["nodePools[0].nodes[0]", (s, v) => { (s.nodePools[0].nodes as any)[0] = v; }],
    ["nodePools[0].nodes[0].name", (s, v) => { (s.nodePools[0].nodes[0] as any).name = v; }],
    ["nodePools[1].nodes[0].tunnelIp", (s, v) => { (s.nodePools[1].nodes[0] as any).tunnelIp = v; }],
    ["nodePools[1].nodes[0].bridgeInterfaces", (s, v) => { (s.nodePools[1].nodes[0] as any).bridgeInterfaces = v; }],
    ["nodePools[1].nodes[0].osdDevices", (s, v) => { (s.nodePools[1].nodes[0] as any).osdDevices = v; }],
    ["nodePools[0].labels", (s, v) => { (s.nodePools[0] as any).labels = v; }],
    ["images", (s, v) => { (s as any).images = v; }],
    ["images.registry", (s, v) => { (s as any).images = { registry: v }; }],
    ["images.overrides", (s, v) => { (s as any).images = { overrides: v }; }],
    ["namespaces", (s, v) => { (s as any).namespaces = v; }],
    ["namespaces.controlPlane", (s, v) => { (s as any).namespaces = { controlPlane: v }; }],
    ["namespaces.controlPlaneSecurity", (s, v) => { (s as any).namespaces = { controlPlaneSecurity: v }; }],
    ["cluster.podCidr", (s, v) => { (s as any).cluster = { podCidr: v }; }],
    ["infrastructure", (s, v) => { (s as any).infrastructure = v; }],
    ["infrastructure.mariadb.replicas", (s, v) => { (s as any).infrastructure = { mariadb: { replicas: v } }; }],
    ["infrastructure.rabbitmq.persistence", (s, v) => { (s as any).infrastructure = { rabbitmq: { persistence: v } }; }],
    ["infrastructure.memcached.memoryMiB", (s, v) => { (s as any).infrastructure = { memcached: { memoryMiB: v } }; }],
    ["services.keystone", (s, v) => { (s as any).services = { keystone: v }; }],
    ["services.keystone.region", (s, v) => { (s as any).services = { keystone: { region: v } }; }],
    ["services.keystone.publicUrl", (s, v) => { (s as any).services = { keystone: { publicUrl: v } }; }],
    ["services.keystone.configOverrides", (s, v) => { (s as any).services = { keystone: { configOverrides: v } }; }],
    ["services.keystone.resources", (s, v) => { (s as any).services = { keystone: { resources: v } }; }],
    ["storage", (s, v) => { (s as any).storage = v; }],
    ["storage.monitors", (s, v) => { (s as any).storage = { enabled: true, monitors: v }; }],
    ["storage.rookNamespace", (s, v) => { (s as any).storage = { enabled: true, rookNamespace: v }; }],
    ["compute", (s, v) => { (s as any).compute = v; }],
    ["compute.pools", (s, v) => { (s as any).compute = { pools: v }; }],
    ["compute.pools[0]", (s, v) => { (s as any).compute = { pools: [v] }; }],
    ["compute.pools[0].virtType", (s, v) => { (s as any).compute = { pools: [{ name: "a", nodePools: ["compute"], virtType: v }] }; }],
    ["compute.pools[0].nodePools", (s, v) => { (s as any).compute = { pools: [{ name: "a", nodePools: v }] }; }],
    ["compute.kubevirtVms", (s, v) => { (s as any).compute = { kubevirtVms: v }; }],
    ["compute.kubevirtVms[0].memory", (s, v) => { (s as any).compute = { kubevirtVms: [{ name: "vm", image: "quay.io/x/y:1", memory: v }] }; }],
    ["services.glance", (s, v) => { (s as any).services = { glance: v }; }],
];

// A YAML typo can put any value anywhere; validation must report it, never crash with a TypeError.
test.each(FIELDS.map(([name, set]) => [name, set] as const))("any value in %s is reported, never a crash", (_name, set) => {
    fc.assert(fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), (v) => {
        const s = haSpec();
        set(s, v);
        expect(() => validateSpec(s)).not.toThrow();
    }), { numRuns: 300 });
});

test("an object whose toString is not callable is named in the message (regression found by the fuzz tier)", () => {
    const s = haSpec();
    (s as any).release = { toString: "" };
    expect(validateSpec(s)).toEqual([expect.objectContaining({ path: "release", message: expect.stringContaining('{"toString":""}') })]);
});
