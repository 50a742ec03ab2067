/** The production stack's `Cloud` builds its whole resource graph under mocks. */
import { Recorder, output, podSpec } from "./harness";
import { stackSpec } from "../fixtures-compute";

const rec = new Recorder();
// Imported after the mocks are set.
import { Cloud } from "../../components";

describe("Cloud (production stack)", () => {
    let cloud: Cloud;
    beforeAll(async () => {
        cloud = new Cloud("production", { spec: stackSpec("production") }, rec.opts());
        await rec.settle();
    }, 60_000);

    test("two compute pools with their own virt settings on their own node pools", () => {
        const names = rec.ofType("kubernetes:apps/v1:DaemonSet").map((d) => d.inputs.metadata.name);
        expect(names).toEqual(expect.arrayContaining(["libvirt-kvm", "nova-compute-kvm", "libvirt-kvm-skylake", "nova-compute-kvm-skylake"]));
        const pools = (name: string) => podSpec(rec.find("kubernetes:apps/v1:DaemonSet", name)).affinity.nodeAffinity
            .requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values;
        expect(pools("nova-compute-kvm")).toEqual(["compute-a"]);
        expect(pools("nova-compute-kvm-skylake")).toEqual(["compute-b"]);
        const conf: string = rec.find("kubernetes:core/v1:Secret", "nova-compute-kvm-skylake-etc").inputs.stringData["nova.conf"];
        expect(conf).toMatch(/cpu_mode = custom\ncpu_models = Skylake-Server-noTSX-IBRS/);
        expect(conf).toContain("images_type = rbd");
    });

    test("HA: three Ceph monitors on three storage nodes, 3-way pools, the Rook operator from Helm, replicated APIs", () => {
        const cluster = rec.find("kubernetes:ceph.rook.io/v1:CephCluster", "ceph");
        expect(cluster.inputs.spec.mon).toEqual({ count: 3, allowMultiplePerNode: false });
        expect(cluster.inputs.spec.storage.nodes.map((n: any) => n.name)).toEqual(["sto-01", "sto-02", "sto-03"]);
        for (const p of rec.ofType("kubernetes:ceph.rook.io/v1:CephBlockPool")) {
            expect(p.inputs.spec.replicated.size).toBe(3);
        }
        expect(rec.ofType("kubernetes:helm.sh/v4:Chart")).toHaveLength(1);
        expect(cluster.dependsOn).toEqual(["production-storage-rook-operator"]);
        for (const name of ["nova-api", "glance-api", "placement-api", "cinder-api"]) {
            expect(rec.find("kubernetes:apps/v1:Deployment", name).inputs.spec.replicas).toBe(3);
        }
        expect(rec.find("kubernetes:policy/v1:PodDisruptionBudget", "nova-api").inputs.spec).toMatchObject({ minAvailable: 2 });
    });

    test("images come from the stack's registry", () => {
        expect(podSpec(rec.find("kubernetes:apps/v1:Deployment", "nova-api")).containers[0].image).toBe("registry.example.com/airshipit/nova:2026.1-ubuntu_noble");
        expect(podSpec(rec.find("kubernetes:apps/v1:DaemonSet", "libvirt-kvm")).containers[0].image).toBe("registry.example.com/airshipit/libvirt:2026.1-ubuntu_noble");
    });

    test("outputs for larger stacks: endpoints and storage, admin credentials as a secret", async () => {
        const services = await output(cloud.services);
        expect(services).toMatchObject({ computePools: ["kvm", "kvm-skylake"], storageClassName: "ceph-rbd", imageBackend: "rbd" });
        expect(await (cloud.adminCredentials as any).isSecret).toBe(true);
        expect(rec.resources.length).toBeGreaterThan(150);
    });
});
