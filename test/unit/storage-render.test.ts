import {
    cephClients,
    renderCephBlockPools,
    renderCephClientSync,
    renderCephClients,
    renderCephCluster,
    renderRbdStorageClass,
    rookDeviceName,
    rookOperatorValues,
} from "../../lib/render/ceph";
import { resolveSpec } from "../../lib/spec";
import { haStorageSpec, stackSpec, storageSpec } from "../fixtures-compute";

const ha = () => resolveSpec(haStorageSpec());
const dev = () => resolveSpec(storageSpec());

describe("CephCluster", () => {
    test("placed by node affinity on storage nodes, OSDs only where ceph-osd is set, tolerating the role taints", () => {
        const cluster = renderCephCluster(ha(), "s") as any;
        expect(cluster).toMatchObject({ apiVersion: "ceph.rook.io/v1", kind: "CephCluster", metadata: { name: "ceph", namespace: "rook-ceph" } });
        const all = cluster.spec.placement.all;
        expect(all.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions)
            .toEqual([{ key: "openstack-storage-node", operator: "In", values: ["enabled"] }]);
        expect(all.tolerations.map((t: any) => t.key)).toEqual(expect.arrayContaining(["openstack-storage-node", "openstack-control-plane"]));
        expect(cluster.spec.placement.osd.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions)
            .toContainEqual({ key: "ceph-osd", operator: "In", values: ["enabled"] });
    });

    test("three monitors, one per node in production; per-node devices; never all nodes or all devices", () => {
        const spec = (renderCephCluster(ha(), "s") as any).spec;
        expect(spec.mon).toEqual({ count: 3, allowMultiplePerNode: false });
        expect(spec.mgr.count).toBe(2);
        expect(spec.storage.useAllNodes).toBe(false);
        expect(spec.storage.useAllDevices).toBe(false);
        expect(spec.storage.nodes).toEqual(["sto-1", "sto-2", "sto-3"].map((name) => ({ name, devices: [{ name: "sdb" }] })));
        expect(spec.cephVersion.image).toBe("quay.io/ceph/ceph:v19.2.3");
    });

    test("dev mode: one monitor and one manager on the single storage node", () => {
        const spec = (renderCephCluster(dev(), "s") as any).spec;
        expect(spec.mon.count).toBe(1);
        expect(spec.mgr.count).toBe(1);
        expect(spec.storage.nodes).toEqual([{ name: "dev-storage-0", devices: [{ name: "vdb" }] }]);
    });

    test("device names: kernel names are shortened, by-id paths kept whole", () => {
        expect(rookDeviceName("/dev/sdb")).toBe("sdb");
        expect(rookDeviceName("/dev/nvme0n1")).toBe("nvme0n1");
        expect(rookDeviceName("/dev/disk/by-id/nvme-X_1")).toBe("/dev/disk/by-id/nvme-X_1");
    });

    test("the production stack spreads OSDs over its three storage nodes with two devices each", () => {
        const spec = (renderCephCluster(resolveSpec(stackSpec("production")), "s") as any).spec;
        expect(spec.storage.nodes.map((n: any) => [n.name, n.devices.length])).toEqual([["sto-01", 2], ["sto-02", 2], ["sto-03", 2]]);
        expect(spec.storage.nodes[2].devices[0].name).toMatch(/^\/dev\/disk\/by-id\//);
    });
});

describe("pools, StorageClass and clients", () => {
    test("block pools for images, volumes, vms and Kubernetes volumes, replicated across hosts", () => {
        const pools = renderCephBlockPools(ha(), "s") as any[];
        expect(pools.map((p) => p.metadata.name)).toEqual(["images", "volumes", "vms", "kubernetes"]);
        for (const p of pools) {
            expect(p.spec).toEqual({ failureDomain: "host", replicated: { size: 3, requireSafeReplicaSize: true }, application: "rbd" });
        }
        expect((renderCephBlockPools(dev(), "s")[0] as any).spec.replicated).toEqual({ size: 1, requireSafeReplicaSize: false });
    });

    test("the RBD StorageClass points at Rook's CSI driver and secrets", () => {
        const sc = renderRbdStorageClass(ha(), "s") as any;
        expect(sc).toMatchObject({ kind: "StorageClass", metadata: { name: "ceph-rbd" }, provisioner: "rook-ceph.rbd.csi.ceph.com", allowVolumeExpansion: true });
        expect(sc.parameters).toMatchObject({ clusterID: "rook-ceph", pool: "kubernetes", "csi.storage.k8s.io/node-stage-secret-namespace": "rook-ceph" });
    });

    test("Ceph clients: glance on images; cinder (shared with nova-compute) on volumes and vms, reading images", () => {
        expect(cephClients(ha())).toEqual([
            { user: "glance", caps: { mon: "profile rbd", osd: "profile rbd pool=images" } },
            { user: "cinder", caps: { mon: "profile rbd", osd: "profile rbd pool=volumes, profile rbd pool=vms, profile rbd-read-only pool=images" } },
        ]);
        expect(renderCephClients(ha(), "s").map((m) => m.kind)).toEqual(["CephClient", "CephClient"]);
    });

    test("the keyring sync Job reads Rook's Secrets and writes one Secret per OpenStack namespace, with minimal RBAC", () => {
        const ms = renderCephClientSync(ha(), "s") as any[];
        const roles = ms.filter((m) => m.kind === "Role");
        expect(roles.map((r) => r.metadata.namespace)).toEqual(["rook-ceph", "openstack", "openstack-dataplane"]);
        expect(roles[0].rules[0]).toEqual({ apiGroups: [""], resources: ["secrets"], resourceNames: ["rook-ceph-client-glance", "rook-ceph-client-cinder"], verbs: ["get"] });
        expect(roles[1].rules[1].resourceNames).toEqual(["ceph-client"]);
        const bindings = ms.filter((m) => m.kind === "RoleBinding");
        expect(bindings.every((b) => b.subjects[0].namespace === "rook-ceph")).toBe(true);
        const job = ms.find((m) => m.kind === "Job");
        const pod = job.spec.template.spec;
        expect(pod.serviceAccountName).toBe("ceph-client-sync");
        expect(pod.nodeSelector["openstack-storage-node"]).toBe("enabled");
        const script = pod.containers[0].command[2];
        expect(script).toContain("rook-ceph-mon-endpoints");
        expect(script).toMatch(/for NS in openstack openstack-dataplane; do/);
        expect(script).toContain("--from-file=ceph.client.cinder.keyring");
        expect(script).toContain("--from-file=cinder.key");
    });

    test("Rook operator chart values: CSI plugins tolerate every role taint", () => {
        const v = rookOperatorValues() as any;
        expect(v.csi.pluginTolerations.map((t: any) => t.key)).toEqual(expect.arrayContaining(["openstack-compute-node", "openstack-control-plane"]));
    });
});
