import * as fc from "fast-check";
import { CloudSpec, SpecError, resolveSpec, validateSpec } from "../../lib/spec";
import { devSpec, haSpec } from "../fixtures";

type Mutation = (s: CloudSpec) => void;

/** [case, mutation of the HA spec, expected field path, expected message fragment] */
const INVALID: [string, Mutation, string, RegExp][] = [
    ["even Galera count", (s) => { s.infrastructure = { mariadb: { replicas: 2 } }; }, "infrastructure.mariadb.replicas", /odd member count/],
    ["zero Galera members", (s) => { s.infrastructure = { mariadb: { replicas: 0 } }; }, "infrastructure.mariadb.replicas", /at least one member/],
    ["Galera larger than the control plane", (s) => { s.infrastructure = { mariadb: { replicas: 5 } }; }, "infrastructure.mariadb.replicas", /only 3 exist/],
    ["even RabbitMQ count", (s) => { s.infrastructure = { rabbitmq: { replicas: 4 } }; }, "infrastructure.rabbitmq.replicas", /odd member count/],
    ["fractional RabbitMQ count", (s) => { s.infrastructure = { rabbitmq: { replicas: 1.5 } }; }, "infrastructure.rabbitmq.replicas", /at least one member/],
    ["Galera without persistence outside dev mode", (s) => { s.infrastructure = { mariadb: { persistence: { enabled: false } } }; }, "infrastructure.mariadb.persistence.enabled", /loses all data/],
    ["bad persistence size", (s) => { s.infrastructure = { rabbitmq: { persistence: { size: "ten gigs" } } }; }, "infrastructure.rabbitmq.persistence.size", /not a Kubernetes quantity/],
    ["bad StorageClass name", (s) => { s.infrastructure = { mariadb: { persistence: { storageClassName: "Fast_SSD" } } }; }, "infrastructure.mariadb.persistence.storageClassName", /not a valid StorageClass/],
    ["bad memory request", (s) => { s.infrastructure = { mariadb: { resources: { memory: "1 GB" } } }; }, "infrastructure.mariadb.resources.memory", /quantity/],
    ["memcached too small", (s) => { s.infrastructure = { memcached: { memoryMiB: 16 } }; }, "infrastructure.memcached.memoryMiB", /at least 64 MiB/],
    ["memcached with no replicas", (s) => { s.infrastructure = { memcached: { replicas: 0 } }; }, "infrastructure.memcached.replicas", /1 or more/],
    ["no node pools", (s) => { s.nodePools = []; }, "nodePools", /at least one node pool/],
    ["an empty pool", (s) => { s.nodePools.push({ name: "spare", roles: ["compute"], nodes: [] }); }, "nodePools[3].nodes", /is empty/],
    ["a pool without roles", (s) => { s.nodePools[2].roles = []; }, "nodePools[2].roles", /has no roles/],
    ["an unknown role", (s) => { s.nodePools[2].roles = ["compute", "gpu"]; }, "nodePools[2].roles[1]", /unknown role "gpu"/],
    ["a bad pool name", (s) => { s.nodePools[1].name = "Network_Nodes"; }, "nodePools[1].name", /not a lowercase DNS label/],
    ["duplicate pool names", (s) => { s.nodePools[2].name = "network"; }, "nodePools[2].name", /also used by nodePools\[1\]/],
    ["a node in two pools with conflicting roles", (s) => { s.nodePools[2].nodes.push({ name: "net-1" }); }, "nodePools[2].nodes[1].name", /in pools "network" and "compute" with different roles/],
    ["a node listed twice in one pool", (s) => { s.nodePools[0].nodes.push({ name: "ctl-1" }); }, "nodePools[0].nodes[3].name", /listed twice/],
    ["a bad node name", (s) => { s.nodePools[0].nodes[0].name = "CTL 1"; }, "nodePools[0].nodes[0].name", /not a valid Kubernetes node name/],
    ["no control-plane node", (s) => { s.nodePools = s.nodePools.filter((p) => !p.roles.includes("control-plane")); }, "nodePools", /no node has the control-plane role/],
    ["a bad tunnel IP", (s) => { s.nodePools[2].nodes[0].tunnelIp = "10.0.0.300"; }, "nodePools[2].nodes[0].tunnelIp", /not an IP address/],
    ["a tunnel interface name too long", (s) => { s.nodePools[2].nodes[0].tunnelInterface = "enp0s31f6-overlay"; }, "nodePools[2].nodes[0].tunnelInterface", /not a Linux interface name/],
    ["a bad bridge mapping", (s) => { s.nodePools[1].nodeDefaults = { bridgeInterfaces: { "br-ex": "eth 1" } }; }, "nodePools[1].nodes[0].bridgeInterfaces.br-ex", /bridge-to-NIC mapping/],
    ["a bad OSD device", (s) => { s.nodePools[2].nodes[0].osdDevices = ["sdb"]; }, "nodePools[2].nodes[0].osdDevices[0]", /not a block device path/],
    ["a bad pool label", (s) => { s.nodePools[0].labels = { "rack/zone/x": "a" }; }, "nodePools[0].labels.rack/zone/x", /not a valid Kubernetes label/],
    ["an unknown release", (s) => { s.release = "zed"; }, "release", /unknown OpenStack release "zed"/],
    ["a bad image reference", (s) => { s.images = { overrides: { keystone: "Quay.io/Keystone latest" } }; }, "images.overrides.keystone", /not a valid image reference/],
    ["an image without tag or digest", (s) => { s.images = { overrides: { neutron: "quay.io/airshipit/neutron" } }; }, "images.overrides.neutron", /with a tag or digest/],
    ["a short digest", (s) => { s.images = { overrides: { nova: "quay.io/airshipit/nova@sha256:abc" } }; }, "images.overrides.nova", /not a valid image reference/],
    ["an override for an unknown image", (s) => { s.images = { overrides: { keystonee: "quay.io/x/keystone:1" } }; }, "images.overrides.keystonee", /no image is called/],
    ["a bad registry", (s) => { s.images = { registry: "https://quay.io/airshipit" }; }, "images.registry", /not a registry path/],
    ["a bad distribution", (s) => { s.images = { distribution: "ubuntu noble" }; }, "images.distribution", /cannot be part of an image tag/],
    ["one namespace for both planes", (s) => { s.namespaces = { controlPlane: "openstack", dataPlane: "openstack" }; }, "namespaces.dataPlane", /shares namespace/],
    ["a privileged control plane", (s) => { s.namespaces = { controlPlaneSecurity: "privileged" }; }, "namespaces.controlPlaneSecurity", /not allowed for the control plane/],
    ["a bad namespace name", (s) => { s.namespaces = { controlPlane: "OpenStack" }; }, "namespaces.controlPlane", /not a valid namespace name/],
    ["a bad pod CIDR", (s) => { s.cluster = { podCidr: "10.244.0.0/33" }; }, "cluster.podCidr", /not a CIDR/],
    ["a Keystone public URL without scheme", (s) => { s.services = { keystone: { publicUrl: "keystone.example.com" } }; }, "services.keystone.publicUrl", /not an http\(s\) URL/],
    ["Keystone with zero replicas", (s) => { s.services = { keystone: { replicas: 0 } }; }, "services.keystone.replicas", /at least 1/],
    ["a bad region", (s) => { s.services = { keystone: { region: "" } }; }, "services.keystone.region", /region/],
    ["a too short token expiry", (s) => { s.services = { keystone: { tokenExpiration: 60 } }; }, "services.keystone.tokenExpiration", /at least 300/],
    ["a non-string config override", (s) => { s.services = { keystone: { configOverrides: { DEFAULT: { debug: true as unknown as string } } } }; }, "services.keystone.configOverrides.DEFAULT.debug", /must be strings/],
    ["settings for Horizon, which has no component", (s) => { s.services = { horizon: { replicas: 2 } }; }, "services.horizon", /no component/],
    ["a multi-line config override", (s) => { s.services = { keystone: { configOverrides: { DEFAULT: { debug: "true\n[evil]" } } } }; }, "services.keystone.configOverrides.DEFAULT.debug", /line breaks/],
];

describe("foundation validation", () => {
    test("the fixtures are valid", () => {
        expect(validateSpec(devSpec())).toEqual([]);
        expect(validateSpec(haSpec())).toEqual([]);
    });

    test.each(INVALID)("rejects %s", (_name, mutate, path, message) => {
        const spec = haSpec();
        mutate(spec);
        const issues = validateSpec(spec);
        const hit = issues.find((i) => i.path === path && message.test(i.message));
        expect({ issues, hit: !!hit }).toMatchObject({ hit: true });
        expect(hit!.fix.length).toBeGreaterThan(5);
    });

    test("reports every problem at once, in one SpecError naming each field and fix", () => {
        const spec = haSpec();
        spec.release = "zed";
        spec.infrastructure = { mariadb: { replicas: 2 }, rabbitmq: { replicas: 2 } };
        spec.nodePools[2].roles = ["gpu"];
        let error: unknown;
        try {
            resolveSpec(spec);
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(SpecError);
        const e = error as SpecError;
        expect(e.issues.map((i) => i.path).sort()).toEqual(
            ["infrastructure.mariadb.replicas", "infrastructure.rabbitmq.replicas", "nodePools[2].roles[0]", "release"]);
        expect(e.message).toContain("4 problems");
        expect(e.message).toContain("fix: use one of");
    });

    test("a non-object spec is one clear problem", () => {
        expect(validateSpec(null as unknown as CloudSpec)).toEqual([expect.objectContaining({ path: "(spec)" })]);
    });

    test("defaults: dev mode shrinks everything to one member, production keeps quorum sizes", () => {
        const dev = resolveSpec(devSpec());
        expect(dev.infrastructure.mariadb.replicas).toBe(1);
        expect(dev.infrastructure.rabbitmq.replicas).toBe(1);
        expect(dev.keystone.replicas).toBe(1);
        expect(dev.release).toBe("2026.1");
        const ha = resolveSpec(haSpec());
        expect(ha.infrastructure.mariadb.replicas).toBe(3);
        expect(ha.infrastructure.mariadb.persistence).toEqual({ enabled: true, storageClassName: "fast-ssd", size: "50Gi" });
        expect(ha.infrastructure.rabbitmq.persistence.size).toBe("5Gi");
        expect(ha.keystone.replicas).toBe(2);
        expect(ha.namespaces).toEqual({ controlPlane: "openstack", dataPlane: "openstack-dataplane", controlPlaneSecurity: "baseline", create: true });
    });

    test("node defaults merge under each node's own fields", () => {
        const ha = resolveSpec(haSpec());
        const net = ha.nodes.filter((n) => n.pool === "network");
        expect(net.map((n) => n.bridgeInterfaces)).toEqual([{ "br-ex": "bond1" }, { "br-ex": "bond1" }]);
        expect(ha.nodes.find((n) => n.name === "cmp-1")!.tunnelInterface).toBe("bond0");
    });

    test("property: a Galera size is accepted exactly when it is odd and fits on the control plane", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), (replicas, controls) => {
            const spec: CloudSpec = {
                nodePools: [{ name: "control", roles: ["control-plane"], nodes: Array.from({ length: controls }, (_, i) => ({ name: `c${i}` })) }],
                infrastructure: { mariadb: { replicas } },
            };
            const bad = validateSpec(spec).some((i) => i.path === "infrastructure.mariadb.replicas");
            return bad === (replicas % 2 === 0 || replicas > controls);
        }));
    });
});
