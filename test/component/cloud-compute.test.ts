/** The `Cloud` of the dev stack under mocks: how the compute part is wired to the foundation and to networking. */
import { Recorder, output, podSpec } from "./harness";
import { stackSpec } from "../fixtures-compute";

const rec = new Recorder();
// Imported after the mocks are set.
import { Cloud } from "../../components";

describe("Cloud (dev stack): compute, images and storage", () => {
    let cloud: Cloud;
    beforeAll(async () => {
        cloud = new Cloud("dev", { spec: stackSpec("dev") }, rec.opts());
        await rec.settle();
    }, 60_000);

    test("the compute components are children of the Cloud", () => {
        const comps = rec.components();
        for (const t of ["Placement", "Glance", "Nova", "Cinder", "ComputePool", "StoragePool"]) {
            const c = comps.find((x) => x.type === `oskube:index:${t}`);
            expect(c).toBeDefined();
            const parent = rec.resources.find((r) => r.parent?.name === c!.name);
            expect(parent).toBeDefined();
        }
        const pool = rec.find("kubernetes:apps/v1:DaemonSet", "nova-compute-qemu");
        expect(pool.parent).toEqual({ type: "oskube:index:ComputePool", name: "dev-compute-qemu" });
        for (const r of rec.resources.filter((x) => x.custom)) {
            expect(r.parent?.type).toMatch(/^oskube:index:/);
        }
    });

    test("Nova uses the same metadata proxy secret as whatever else renders one (the Neutron metadata agent)", () => {
        const secrets = rec.ofType("kubernetes:core/v1:Secret");
        const novaConf: string = rec.find("kubernetes:core/v1:Secret", "nova-etc").inputs.stringData["nova.conf"];
        const value = /metadata_proxy_shared_secret = (\S+)/.exec(novaConf)![1];
        expect(rec.generatedSecrets).toContain(value);
        expect(novaConf).toContain("service_metadata_proxy = true");
        const others = secrets.filter((s) => s.inputs.metadata.name !== "nova-etc")
            .flatMap((s) => Object.values(s.inputs.stringData ?? {}) as string[])
            .map((text) => /metadata_proxy_shared_secret = (\S+)/.exec(String(text))?.[1])
            .filter((v): v is string => v !== undefined);
        for (const v of others) {
            expect(v).toBe(value);
        }
    });

    test("Nova reaches Neutron at the networking part's URL, or the neutron-server convention", () => {
        const conf: string = rec.find("kubernetes:core/v1:Secret", "nova-etc").inputs.stringData["nova.conf"];
        expect(conf).toMatch(/endpoint_override = http:\/\/neutron-server\.openstack\.svc\.cluster\.local:9696/);
    });

    test("each service gets its own database and user, its vhost, and the shared infrastructure endpoints", () => {
        const jobs = rec.ofType("kubernetes:batch/v1:Job").map((j) => j.inputs.metadata.name);
        expect(jobs).toEqual(expect.arrayContaining([
            "mariadb-db-placement", "mariadb-db-glance", "mariadb-db-nova-api", "mariadb-db-nova", "mariadb-db-nova-cell0", "mariadb-db-cinder",
            "rabbitmq-vhost-nova", "rabbitmq-vhost-cinder",
        ]));
        const conf: string = rec.find("kubernetes:core/v1:Secret", "cinder-etc").inputs.stringData["cinder.conf"];
        expect(conf).toMatch(/connection = mysql\+pymysql:\/\/cinder:\w+@mariadb\.openstack\.svc\.cluster\.local:3306\/cinder/);
        expect(conf).toMatch(/memcached_servers = memcached-0\./);
    });

    test("hypervisors only on compute nodes, in the privileged data-plane namespace; control plane only on control nodes", () => {
        for (const ds of rec.ofType("kubernetes:apps/v1:DaemonSet").filter((d) => /^(nova-compute|libvirt)-/.test(d.inputs.metadata.name))) {
            expect(ds.inputs.metadata.namespace).toBe("openstack-dataplane");
            const terms = podSpec(ds).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions;
            expect(terms).toEqual([
                { key: "openstack-compute-node", operator: "In", values: ["enabled"] },
                { key: "oskube.io/node-pool", operator: "In", values: ["compute"] },
            ]);
            expect(podSpec(ds).hostNetwork).toBe(true);
        }
        for (const name of ["glance-api", "placement-api", "nova-api", "nova-conductor", "cinder-volume"]) {
            const d = rec.find("kubernetes:apps/v1:Deployment", name);
            expect(d.inputs.metadata.namespace).toBe("openstack");
            expect(podSpec(d).nodeSelector["openstack-control-plane"]).toBe("enabled");
            expect(podSpec(d).hostNetwork).toBeUndefined();
        }
    });

    test("Ceph lives in the Rook namespace on the storage node; keyrings reach both OpenStack namespaces", () => {
        const cluster = rec.find("kubernetes:ceph.rook.io/v1:CephCluster", "ceph");
        expect(cluster.inputs.metadata.namespace).toBe("rook-ceph");
        expect(cluster.inputs.spec.mon.count).toBe(1);
        expect(cluster.inputs.spec.storage.nodes).toEqual([{ name: "dev-storage-0", devices: [{ name: "vdb" }] }]);
        expect(rec.ofType("kubernetes:helm.sh/v4:Chart")).toHaveLength(0);
        const roles = rec.ofType("kubernetes:rbac.authorization.k8s.io/v1:Role").map((r) => `${r.inputs.metadata.namespace}/${r.inputs.metadata.name}`);
        expect(roles).toEqual(expect.arrayContaining(["rook-ceph/ceph-client-sync", "openstack/ceph-client-sync", "openstack-dataplane/ceph-client-sync"]));
    });

    test("no generated secret in a ConfigMap or any non-Secret resource; config Secrets carry secret inputs", () => {
        const text = JSON.stringify(rec.resources.filter((r) => r.type !== "kubernetes:core/v1:Secret" && !r.type.startsWith("random:")).map((r) => r.inputs));
        for (const s of rec.generatedSecrets) {
            expect(text).not.toContain(s);
        }
        for (const name of ["nova-etc", "glance-etc", "placement-etc", "cinder-etc", "nova-compute-qemu-etc"]) {
            expect(rec.find("kubernetes:core/v1:Secret", name).hasSecretInputs).toBe(true);
        }
        for (const cm of rec.ofType("kubernetes:core/v1:ConfigMap")) {
            expect(JSON.stringify(cm.inputs)).not.toMatch(/password|transport_url|metadata_proxy_shared_secret/);
        }
    });

    test("config hashes are in every pod template of the compute part", () => {
        const workloads = [...rec.ofType("kubernetes:apps/v1:Deployment"), ...rec.ofType("kubernetes:apps/v1:DaemonSet")]
            .filter((w) => /^(nova|glance|placement|cinder|libvirt)-/.test(w.inputs.metadata.name));
        expect(workloads.length).toBeGreaterThanOrEqual(11);
        for (const w of workloads) {
            expect(w.inputs.spec.template.metadata.annotations["oskube.io/config-hash"]).toMatch(/^[0-9a-f]{16}$/);
        }
    });

    test("the Cloud's services output has the compute endpoints and storage class, and is not secret", async () => {
        const services = await output(cloud.services);
        expect(services).toMatchObject({
            computeUrl: "http://nova-api.openstack.svc.cluster.local:8774/v2.1",
            placementUrl: "http://placement-api.openstack.svc.cluster.local:8778",
            imageUrl: "http://glance-api.openstack.svc.cluster.local:9292",
            imageBackend: "rbd",
            volumeUrl: "http://cinder-api.openstack.svc.cluster.local:8776/v3/%(project_id)s",
            novaMetadataHost: "nova-metadata.openstack.svc.cluster.local",
            storageClassName: "ceph-rbd",
            rookNamespace: "rook-ceph",
            computePools: ["qemu"],
        });
        expect(await (cloud.services as any).isSecret).toBe(false);
        const text = JSON.stringify(services);
        for (const s of rec.generatedSecrets) {
            expect(text).not.toContain(s);
        }
    });
});
