import { CloudSpec, resolveSpec, validateSpec } from "../../lib/spec";
import { devSpec } from "../fixtures";
import { haStorageSpec, stackSpec, storageSpec } from "../fixtures-compute";

function paths(spec: CloudSpec): string[] {
    return validateSpec(spec).map((i) => i.path);
}

function issueAt(spec: CloudSpec, path: string) {
    const found = validateSpec(spec).filter((i) => i.path === path);
    if (found.length === 0) {
        throw new Error(`no issue at ${path}; got ${JSON.stringify(validateSpec(spec), null, 1)}`);
    }
    return found[0];
}

function edit(base: () => CloudSpec, f: (s: CloudSpec) => void): CloudSpec {
    const s = base();
    f(s);
    return s;
}

describe("compute and storage defaults", () => {
    test("without compute pools, one default pool covers every compute node pool", () => {
        const c = resolveSpec(devSpec()).compute;
        expect(c.pools).toEqual([{ name: "default", nodePools: ["compute"], virtType: "kvm", cpuMode: "host-model", cpuModels: [], ephemeralBackend: "local" }]);
        expect(c.storageEnabled).toBe(false);
        expect(c.cinderEnabled).toBe(false);
    });

    test("without Ceph Glance uses a file store with one replica; with Ceph RBD and the usual replicas", () => {
        expect(resolveSpec(devSpec()).compute.glance).toMatchObject({ backend: "file", replicas: 1 });
        const ha = resolveSpec(haStorageSpec()).compute;
        expect(ha.glance).toMatchObject({ backend: "rbd", replicas: 2 });
        expect(ha.storage).toMatchObject({ monitors: 3, poolReplicas: 3, rookNamespace: "rook-ceph", installRookOperator: false, storageClassName: "ceph-rbd" });
        expect(ha.pools[0].ephemeralBackend).toBe("rbd");
    });

    test("dev mode means one monitor and one copy", () => {
        expect(resolveSpec(storageSpec()).compute.storage).toMatchObject({ monitors: 1, poolReplicas: 1 });
    });

    test("the example stacks and fixtures are valid", () => {
        for (const spec of [devSpec(), storageSpec(), haStorageSpec(), stackSpec("dev"), stackSpec("production")]) {
            expect(validateSpec(spec)).toEqual([]);
        }
    });
});

describe("invalid storage specs name the field and the fix", () => {
    test("fewer than 3 monitors without dev mode", () => {
        const i = issueAt(edit(haStorageSpec, (s) => { s.storage!.monitors = 1; }), "storage.monitors");
        expect(i.message).toMatch(/cannot survive the loss of a node/);
        expect(i.fix).toMatch(/devMode/);
    });

    test("one monitor is fine in dev mode", () => {
        expect(paths(edit(haStorageSpec, (s) => { s.devMode = true; s.storage!.monitors = 1; }))).not.toContain("storage.monitors");
    });

    test("an even monitor count", () => {
        expect(issueAt(edit(haStorageSpec, (s) => { s.storage!.monitors = 4; }), "storage.monitors").message).toMatch(/odd/);
    });

    test("more monitors than storage nodes", () => {
        expect(issueAt(edit(haStorageSpec, (s) => { s.storage!.monitors = 5; }), "storage.monitors").message).toMatch(/5 storage nodes/);
    });

    test("zero and fractional monitors", () => {
        expect(paths(edit(haStorageSpec, (s) => { s.storage!.monitors = 0; }))).toContain("storage.monitors");
        expect(paths(edit(haStorageSpec, (s) => { s.storage!.monitors = 2.5; }))).toContain("storage.monitors");
    });

    test("one replica per pool without dev mode, and more replicas than storage nodes", () => {
        expect(issueAt(edit(haStorageSpec, (s) => { s.storage!.poolReplicas = 1; }), "storage.poolReplicas").message).toMatch(/loses data/);
        expect(issueAt(edit(haStorageSpec, (s) => { s.storage!.poolReplicas = 4; }), "storage.poolReplicas").message).toMatch(/4 storage nodes/);
    });

    test("storage enabled without storage nodes", () => {
        const spec = edit(haStorageSpec, (s) => { s.nodePools = s.nodePools.filter((p) => p.name !== "storage"); });
        expect(issueAt(spec, "storage.enabled").message).toMatch(/no node has the storage role/);
    });

    test("storage nodes without OSD devices", () => {
        const spec = edit(haStorageSpec, (s) => { delete s.nodePools[3].nodeDefaults; });
        expect(issueAt(spec, "storage.enabled").message).toMatch(/osdDevices/);
    });

    test("a bad Rook namespace, one shared with OpenStack, a bad StorageClass, version and image", () => {
        expect(paths(edit(haStorageSpec, (s) => { s.storage!.rookNamespace = "Rook_Ceph"; }))).toContain("storage.rookNamespace");
        expect(issueAt(edit(haStorageSpec, (s) => { s.storage!.rookNamespace = "openstack"; }), "storage.rookNamespace").message).toMatch(/shares namespace/);
        expect(paths(edit(haStorageSpec, (s) => { s.storage!.storageClassName = "Fast SSD"; }))).toContain("storage.storageClassName");
        expect(paths(edit(haStorageSpec, (s) => { s.storage!.rookVersion = "1.20"; }))).toContain("storage.rookVersion");
        expect(paths(edit(haStorageSpec, (s) => { s.storage!.cephImage = "Ceph:latest"; }))).toContain("storage.cephImage");
    });

    test("Cinder configured without storage", () => {
        expect(issueAt(edit(devSpec, (s) => { s.services = { cinder: { replicas: 1 } }; }), "services.cinder").message).toMatch(/RBD/);
    });

    test("Glance with a file store and several replicas", () => {
        expect(issueAt(edit(devSpec, (s) => { s.services = { glance: { replicas: 2 } }; }), "services.glance.replicas").fix).toMatch(/storage/);
    });

    test("API service fields are checked like Keystone's", () => {
        expect(paths(edit(devSpec, (s) => { s.services = { nova: { replicas: 0 }, placement: { resources: { cpu: "lots" } } }; })))
            .toEqual(expect.arrayContaining(["services.nova.replicas", "services.placement.resources.cpu"]));
    });
});

describe("invalid compute pools", () => {
    test("RBD ephemeral disks without a storage pool", () => {
        const spec = edit(devSpec, (s) => { s.compute = { pools: [{ name: "kvm", nodePools: ["compute"], ephemeralBackend: "rbd" }] }; });
        const i = issueAt(spec, "compute.pools[0].ephemeralBackend");
        expect(i.message).toMatch(/need a storage pool/);
        expect(i.fix).toMatch(/storage.enabled/);
    });

    test("a compute pool with no network path", () => {
        const spec = edit(devSpec, (s) => { s.nodePools = s.nodePools.filter((p) => p.name !== "network"); });
        const i = issueAt(spec, "compute.pools[0]");
        expect(i.message).toMatch(/no network path/);
    });

    test("a compute pool whose node pools are unknown, not compute, or already covered", () => {
        const spec = edit(storageSpec, (s) => {
            s.compute!.pools = [
                { name: "a", nodePools: ["nope", "control"] },
                { name: "b", nodePools: ["compute-kvm"] },
                { name: "c", nodePools: ["compute-kvm", "compute-qemu"] },
            ];
        });
        expect(issueAt(spec, "compute.pools[0].nodePools[0]").message).toMatch(/no node pool is called "nope"/);
        expect(issueAt(spec, "compute.pools[0].nodePools[1]").message).toMatch(/does not have the compute role/);
        expect(issueAt(spec, "compute.pools[2].nodePools[0]").message).toMatch(/already covered by compute pool "b"/);
    });

    test("compute nodes that no compute pool covers", () => {
        const spec = edit(storageSpec, (s) => { s.compute!.pools = [s.compute!.pools![0]]; });
        expect(issueAt(spec, "compute.pools").message).toMatch(/"compute-qemu".*no compute pool covers it/);
    });

    test("an empty node pool list, a duplicate or bad name", () => {
        const spec = edit(storageSpec, (s) => {
            s.compute!.pools = [{ name: "kvm", nodePools: ["compute-kvm"] }, { name: "kvm", nodePools: [] }, { name: "Bad_Name", nodePools: ["compute-qemu"] }];
        });
        expect(issueAt(spec, "compute.pools[1].name").message).toMatch(/also used/);
        expect(issueAt(spec, "compute.pools[1].nodePools").message).toMatch(/covers no node pool/);
        expect(paths(spec)).toContain("compute.pools[2].name");
    });

    test("virt type, CPU mode and models", () => {
        const pool = (p: Record<string, unknown>) => edit(storageSpec, (s) => { s.compute!.pools = [{ name: "x", nodePools: ["compute-kvm", "compute-qemu"], ...p }]; });
        expect(issueAt(pool({ virtType: "xen" }), "compute.pools[0].virtType").fix).toMatch(/"kvm", "qemu"/);
        expect(paths(pool({ cpuMode: "fast" }))).toContain("compute.pools[0].cpuMode");
        expect(issueAt(pool({ cpuMode: "custom" }), "compute.pools[0].cpuModels").message).toMatch(/at least one/);
        expect(issueAt(pool({ cpuModels: ["Skylake-Server"] }), "compute.pools[0].cpuModels").message).toMatch(/ignored/);
        expect(issueAt(pool({ virtType: "qemu", cpuMode: "host-passthrough" }), "compute.pools[0].cpuMode").message).toMatch(/hardware virtualization/);
        expect(paths(pool({ cpuMode: "custom", cpuModels: ["bad model"] }))).toContain("compute.pools[0].cpuModels[0]");
        expect(paths(pool({ ephemeralBackend: "nfs" }))).toContain("compute.pools[0].ephemeralBackend");
    });

    test("compute pools listed without any compute node", () => {
        const spec = edit(devSpec, (s) => {
            s.nodePools = s.nodePools.filter((p) => p.name !== "compute");
            s.compute = { pools: [{ name: "kvm", nodePools: ["control"] }] };
        });
        expect(issueAt(spec, "compute.pools").message).toMatch(/no node has the compute role/);
    });
});

describe("invalid KubeVirt VMs", () => {
    test("name, image, CPU, memory and networks", () => {
        const spec = edit(storageSpec, (s) => {
            s.compute!.kubevirtVms = [
                { name: "vm", image: "quay.io/containerdisks/fedora:41" },
                { name: "vm", image: "not an image", cpuCores: 0, memory: "lots", networks: ["Bad Net"] },
            ];
            s.compute!.installKubevirt = "yes" as unknown as boolean;
            s.compute!.kubevirtVersion = "latest";
        });
        expect(paths(spec)).toEqual(expect.arrayContaining([
            "compute.kubevirtVms[1].name", "compute.kubevirtVms[1].image", "compute.kubevirtVms[1].cpuCores",
            "compute.kubevirtVms[1].memory", "compute.kubevirtVms[1].networks[0]", "compute.installKubevirt", "compute.kubevirtVersion",
        ]));
    });

    test("VMs without compute nodes", () => {
        const spec = edit(devSpec, (s) => {
            s.nodePools = s.nodePools.filter((p) => p.name !== "compute");
            s.compute = { kubevirtVms: [{ name: "vm", image: "quay.io/containerdisks/fedora:41" }] };
        });
        expect(paths(spec)).toContain("compute.kubevirtVms");
    });

    test("all problems are reported at once", () => {
        const spec = edit(haStorageSpec, (s) => {
            s.storage!.monitors = 2;
            s.compute = { pools: [{ name: "kvm", nodePools: ["compute"], virtType: "xen" }] };
        });
        expect(paths(spec)).toEqual(expect.arrayContaining(["storage.monitors", "compute.pools[0].virtType"]));
    });
});
