/**
 * The compute, image and storage components used alone, without `Cloud`: each takes the spec and the components it
 * needs, and builds its resources under mocks.
 */
import { Recorder, output, podSpec } from "./harness";
import { storageSpec } from "../fixtures-compute";

const rec = new Recorder();
// Imported after the mocks are set.
import { Cinder, ComputePool, Glance, Keystone, Kubevirt, KubevirtVm, MariaDb, Memcached, Nova, Placement, RabbitMq, StoragePool } from "../../components";

describe("compute components on their own", () => {
    const spec = storageSpec();
    spec.compute!.installKubevirt = true;
    spec.storage!.installRookOperator = true;
    let placement: Placement;
    let nova: Nova;
    let glance: Glance;
    let storage: StoragePool;
    let pool: ComputePool;
    beforeAll(async () => {
        const opts = rec.opts();
        const mariadb = new MariaDb("db", { spec }, opts);
        const rabbitmq = new RabbitMq("mq", { spec }, opts);
        const memcached = new Memcached("mc", { spec }, opts);
        const keystone = new Keystone("ks", { spec, mariadb, memcached }, opts);
        storage = new StoragePool("ceph", { spec }, opts);
        placement = new Placement("placement", { spec, mariadb, memcached, keystone }, opts);
        glance = new Glance("glance", { spec, mariadb, memcached, keystone, storage }, opts);
        nova = new Nova("nova", { spec, mariadb, rabbitmq, memcached, keystone, placement }, opts);
        new Cinder("cinder", { spec, mariadb, rabbitmq, memcached, keystone, storage }, opts);
        pool = new ComputePool("kvm", { spec, pool: "kvm", nova, storage }, opts);
        new ComputePool("qemu", { spec, pool: "qemu", nova, storage }, opts);
        const kubevirt = new Kubevirt("kubevirt", { spec }, opts);
        new KubevirtVm("vm", { spec, vm: "test-vm", kubevirt }, opts);
        await rec.settle();
    }, 60_000);

    test("every component has its type token and registers its outputs", () => {
        const types = new Set(rec.components().map((c) => c.type));
        for (const t of ["Placement", "Glance", "Nova", "Cinder", "ComputePool", "StoragePool", "Kubevirt", "KubevirtVm"]) {
            expect(types).toContain(`oskube:index:${t}`);
        }
        for (const c of rec.components().filter((x) => x.type.startsWith("oskube:"))) {
            expect(rec.registeredOutputs.has(`${c.type}::${c.name}`)).toBe(true);
        }
    });

    test("Placement: database, Keystone user and catalog entry, db-sync, then the API", async () => {
        const api = rec.find("kubernetes:apps/v1:Deployment", "placement-api");
        expect(api.parent).toEqual({ type: "oskube:index:Placement", name: "placement" });
        expect(api.dependsOn).toContain("placement-placement-db-sync");
        const dbSync = rec.find("kubernetes:batch/v1:Job", "placement-db-sync");
        expect(dbSync.dependsOn).toEqual(expect.arrayContaining(["placement-etc", "placement-placement-ks-register", "placement-db-placement-mariadb-db-placement"]));
        const reg = rec.find("kubernetes:batch/v1:Job", "placement-ks-register");
        expect(podSpec(reg).containers[0].command[2]).toContain("openstack service create --name placement placement");
        expect(podSpec(api).nodeSelector["openstack-control-plane"]).toBe("enabled");
        expect(await output(placement.internalUrl)).toBe("http://placement-api.openstack.svc.cluster.local:8778");
        const etc = rec.find("kubernetes:core/v1:Secret", "placement-etc");
        expect(etc.hasSecretInputs).toBe(true);
        const dbPw = rec.find("kubernetes:core/v1:Secret", "placement-db").inputs.stringData.password;
        expect(etc.inputs.stringData["placement.conf"]).toContain(`placement:${dbPw}@`);
    });

    test("Glance with Ceph waits for the keyrings and mounts them", async () => {
        const api = rec.find("kubernetes:apps/v1:Deployment", "glance-api");
        expect(api.dependsOn).toContain("ceph-ceph-client-sync");
        expect(await output(glance.backend)).toBe("rbd");
        expect(rec.ofType("kubernetes:core/v1:PersistentVolumeClaim").map((p) => p.inputs.metadata.name)).not.toContain("glance-images");
    });

    test("Nova alone generates the metadata proxy secret and falls back to the neutron-server URL", async () => {
        const meta = rec.find("kubernetes:core/v1:Secret", "nova-metadata-proxy");
        const secret = meta.inputs.stringData.secret;
        expect(rec.generatedSecrets).toContain(secret);
        const conf: string = rec.find("kubernetes:core/v1:Secret", "nova-etc").inputs.stringData["nova.conf"];
        expect(conf).toContain(`metadata_proxy_shared_secret = ${secret}`);
        expect(conf).toContain("service_metadata_proxy = true");
        expect(await output(nova.neutronUrl)).toBe("http://neutron-server.openstack.svc.cluster.local:9696");
        expect(await (nova.metadataProxySecret as any).isSecret).toBe(true);
        expect(await output(nova.metadataHost)).toBe("nova-metadata.openstack.svc.cluster.local");
    });

    test("the cell Jobs form a chain, and the control plane starts after it and after Placement", () => {
        const job = (n: string) => rec.find("kubernetes:batch/v1:Job", n);
        expect(job("nova-api-db-sync").dependsOn).toEqual(expect.arrayContaining(["nova-etc", "nova-nova-ks-register"]));
        expect(job("nova-cell0-map").dependsOn).toEqual(["nova-nova-api-db-sync"]);
        expect(job("nova-cell1-create").dependsOn).toEqual(["nova-nova-cell0-map"]);
        expect(job("nova-db-sync").dependsOn).toEqual(["nova-nova-cell1-create"]);
        for (const d of ["nova-api", "nova-metadata", "nova-scheduler", "nova-conductor", "nova-novncproxy"]) {
            expect(rec.find("kubernetes:apps/v1:Deployment", d).dependsOn).toEqual(expect.arrayContaining(["nova-nova-db-sync", "placement-placement-api"]));
        }
        const cron = rec.find("kubernetes:batch/v1:CronJob", "nova-discover-hosts");
        expect(cron.parent!.type).toBe("oskube:index:Nova");
    });

    test("a compute pool: its DaemonSets in the data plane on its own node pools, config Secret there, discovery after", async () => {
        const ds = rec.find("kubernetes:apps/v1:DaemonSet", "nova-compute-kvm");
        expect(ds.parent).toEqual({ type: "oskube:index:ComputePool", name: "kvm" });
        expect(ds.inputs.metadata.namespace).toBe("openstack-dataplane");
        expect(ds.dependsOn).toEqual(expect.arrayContaining(["kvm-nova-etc", "kvm-libvirt-kvm", "nova-nova-db-sync", "ceph-ceph-client-sync"]));
        const terms = podSpec(ds).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions;
        expect(terms).toContainEqual({ key: "oskube.io/node-pool", operator: "In", values: ["compute-kvm"] });
        const qemuTerms = podSpec(rec.find("kubernetes:apps/v1:DaemonSet", "libvirt-qemu")).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions;
        expect(qemuTerms).toContainEqual({ key: "oskube.io/node-pool", operator: "In", values: ["compute-qemu"] });
        const cfg = rec.find("kubernetes:core/v1:Secret", "nova-compute-kvm-etc");
        expect(cfg.inputs.metadata.namespace).toBe("openstack-dataplane");
        expect(cfg.inputs.stringData["nova.conf"]).toContain("virt_type = kvm");
        expect(cfg.inputs.stringData["nova.conf"]).not.toContain("[database]");
        expect(rec.find("kubernetes:core/v1:Secret", "nova-compute-qemu-etc").inputs.stringData["nova.conf"]).toContain("virt_type = qemu");
        expect(rec.find("kubernetes:batch/v1:Job", "nova-discover-hosts-kvm").dependsOn).toEqual(["kvm-nova-compute-kvm"]);
        expect(await output(pool.virtType)).toBe("kvm");
    });

    test("StoragePool: the Rook operator from its Helm chart first, then the CephCluster, pools, clients and the StorageClass", async () => {
        const chart = rec.ofType("kubernetes:helm.sh/v4:Chart");
        expect(chart).toHaveLength(1);
        expect(chart[0].inputs).toMatchObject({ chart: "rook-ceph", version: "v1.20.6", namespace: "rook-ceph", repositoryOpts: { repo: "https://charts.rook.io/release" } });
        const cluster = rec.find("kubernetes:ceph.rook.io/v1:CephCluster", "ceph");
        expect(cluster.dependsOn).toEqual(["ceph-rook-operator"]);
        expect(rec.ofType("kubernetes:ceph.rook.io/v1:CephBlockPool").map((p) => p.inputs.metadata.name).sort()).toEqual(["images", "kubernetes", "vms", "volumes"]);
        expect(rec.find("kubernetes:storage.k8s.io/v1:StorageClass", "ceph-rbd").parent!.type).toBe("oskube:index:StoragePool");
        expect(await output(storage.storageClassName)).toBe("ceph-rbd");
    });

    test("Cinder: api, scheduler and volume after db-sync and the Ceph keyrings", () => {
        for (const d of ["cinder-api", "cinder-scheduler", "cinder-volume"]) {
            expect(rec.find("kubernetes:apps/v1:Deployment", d).dependsOn).toEqual(expect.arrayContaining(["cinder-cinder-db-sync", "ceph-ceph-client-sync"]));
        }
        expect(podSpec(rec.find("kubernetes:batch/v1:Job", "cinder-ks-register")).containers[0].command[2]).toContain("openstack service create --name cinderv3 volumev3");
    });

    test("KubeVirt from its release manifest, then its CR, then the VM", () => {
        const cf = rec.ofType("kubernetes:yaml/v2:ConfigFile");
        expect(cf.map((c) => c.inputs.file)).toEqual(["https://github.com/kubevirt/kubevirt/releases/download/v1.9.0/kubevirt-operator.yaml"]);
        expect(rec.find("kubernetes:kubevirt.io/v1:KubeVirt", "kubevirt").dependsOn).toEqual(["kubevirt-operator"]);
        const vm = rec.find("kubernetes:kubevirt.io/v1:VirtualMachine", "test-vm");
        expect(vm.dependsOn).toEqual(["kubevirt-kubevirt"]);
        expect(vm.parent).toEqual({ type: "oskube:index:KubevirtVm", name: "vm" });
    });

    test("no generated secret appears outside a Secret", () => {
        const text = JSON.stringify(rec.resources.filter((r) => r.type !== "kubernetes:core/v1:Secret" && !r.type.startsWith("random:")).map((r) => r.inputs));
        for (const s of rec.generatedSecrets) {
            expect(text).not.toContain(s);
        }
    });

    test("misuse fails with a message that says what to pass", () => {
        expect(() => new ComputePool("x", { spec, pool: "nope", nova })).toThrow(/no pool named "nope".*kvm, qemu/);
        expect(() => new ComputePool("y", { spec, pool: "kvm", nova })).toThrow(/StoragePool passed as "storage"/);
        expect(() => new KubevirtVm("z", { spec, vm: "nope" })).toThrow(/no VM named "nope"/);
    });
});
