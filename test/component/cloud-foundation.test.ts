import { Recorder, output, podSpec } from "./harness";
import { devSpec } from "../fixtures";

const rec = new Recorder();
// Imported after the mocks are set.
import { Cloud } from "../../components";

describe("Cloud foundation under mocks", () => {
    let cloud: Cloud;
    beforeAll(async () => {
        cloud = new Cloud("dev", { spec: devSpec() }, rec.opts());
        await rec.settle();
    });

    test("every component uses an oskube:index type token and registers its outputs", () => {
        const comps = rec.components();
        expect(comps.length).toBeGreaterThan(5);
        for (const c of comps) {
            expect(c.type).toMatch(/^oskube:index:[A-Z][A-Za-z]+$/);
            expect(rec.registeredOutputs.has(`${c.type}::${c.name}`)).toBe(true);
        }
        const types = new Set(comps.map((c) => c.type));
        for (const t of ["Cloud", "Namespaces", "NodePool", "MariaDb", "MariaDbDatabase", "RabbitMq", "Memcached", "Keystone"]) {
            expect(types).toContain(`oskube:index:${t}`);
        }
    });

    test("no two resources share a type and name (the real engine would reject the duplicate URN)", () => {
        expect(rec.duplicateUrns()).toEqual([]);
    });

    test("every custom resource has a parent inside the Cloud", () => {
        const customs = rec.resources.filter((r) => r.custom);
        expect(customs.length).toBeGreaterThan(20);
        for (const r of customs) {
            expect(r.parent).toBeDefined();
            expect(r.parent!.type).toMatch(/^oskube:index:/);
        }
    });

    test("one NodePatch per node, with role labels and taints", () => {
        const patches = rec.ofType("kubernetes:core/v1:NodePatch");
        expect(patches.map((p) => p.inputs.metadata.name).sort()).toEqual(
            ["dev-compute-0", "dev-compute-1", "dev-control-0", "dev-network-0", "dev-storage-0"]);
        const net = patches.find((p) => p.inputs.metadata.name === "dev-network-0")!;
        expect(net.inputs.metadata.labels["openstack-network-node"]).toBe("enabled");
        expect(net.inputs.metadata.labels["openvswitch"]).toBe("enabled");
        expect(net.inputs.metadata.annotations["oskube.io/bridge-interfaces"]).toBe("br-ex:eth1");
        expect(net.inputs.spec.taints).toEqual([{ key: "openstack-network-node", value: "enabled", effect: "NoSchedule" }]);
        const storage = patches.find((p) => p.inputs.metadata.name === "dev-storage-0")!;
        expect(storage.inputs.metadata.labels["ceph-osd"]).toBe("enabled");
        expect(storage.inputs.metadata.labels["openvswitch"]).toBeUndefined();
    });

    test("control-plane workloads select control-plane nodes and tolerate every role taint", () => {
        const workloads = [
            ...rec.ofType("kubernetes:apps/v1:StatefulSet"),
            ...rec.ofType("kubernetes:apps/v1:Deployment"),
            ...rec.ofType("kubernetes:batch/v1:Job"),
        ].filter((w) => w.inputs.metadata.namespace === "openstack");
        expect(workloads.map((w) => w.inputs.metadata.name)).toEqual(expect.arrayContaining(
            ["keystone-api", "keystone-bootstrap", "keystone-db-sync", "mariadb", "mariadb-db-keystone", "memcached", "rabbitmq"]));
        for (const w of workloads) {
            const pod = podSpec(w);
            expect({ name: w.inputs.metadata.name, selector: pod.nodeSelector["openstack-control-plane"] }).toEqual({ name: w.inputs.metadata.name, selector: "enabled" });
            const keys = pod.tolerations.map((t: any) => t.key).sort();
            expect(keys).toEqual(["openstack-compute-node", "openstack-control-plane", "openstack-network-node", "openstack-storage-node"]);
            expect(pod.securityContext.runAsNonRoot).toBe(true);
            for (const c of pod.containers) {
                expect(c.securityContext.privileged).toBeFalsy();
                expect(c.resources.requests.cpu).toBeDefined();
            }
        }
    });

    test("namespaces carry Pod Security levels: control plane baseline, data plane privileged", () => {
        const ns = rec.ofType("kubernetes:core/v1:Namespace");
        const byName = Object.fromEntries(ns.map((n) => [n.inputs.metadata.name, n.inputs.metadata.labels]));
        expect(byName["openstack"]["pod-security.kubernetes.io/enforce"]).toBe("baseline");
        expect(byName["openstack-dataplane"]["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    });

    test("no generated secret appears in a ConfigMap, a non-Secret resource, or a plain output", async () => {
        expect(rec.generatedSecrets.length).toBeGreaterThan(5);
        const nonSecret = rec.resources.filter((r) => r.type !== "kubernetes:core/v1:Secret" && !r.type.startsWith("random:"));
        const text = JSON.stringify(nonSecret.map((r) => r.inputs));
        for (const s of rec.generatedSecrets) {
            expect(text).not.toContain(s);
        }
        const plain = JSON.stringify(await Promise.all([
            output(cloud.keystoneUrl), output(cloud.databaseHost), output(cloud.messagingHosts), output(cloud.controlPlaneNamespace),
        ]));
        for (const s of rec.generatedSecrets) {
            expect(plain).not.toContain(s);
        }
    });

    test("rendered keystone.conf holds the generated database password only inside a Secret", async () => {
        const etc = rec.ofType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "keystone-etc")!;
        const conf: string = etc.inputs.stringData["keystone.conf"];
        const dbSecret = rec.ofType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "keystone-db")!;
        expect(etc.hasSecretInputs).toBe(true);
        expect(conf).toContain(`keystone:${dbSecret.inputs.stringData.password}@mariadb.openstack.svc.cluster.local:3306/keystone`);
    });

    test("the admin credentials output is a secret", async () => {
        expect(await (cloud.adminCredentials as any).isSecret).toBe(true);
        const creds = await output(cloud.adminCredentials);
        expect(rec.generatedSecrets).toContain(creds.password);
        expect(creds.authUrl).toBe("http://keystone-api.openstack.svc.cluster.local:5000/v3");
    });

    test("Jobs are ordered: database, db-sync, bootstrap, then the API", () => {
        const job = (n: string) => rec.find("kubernetes:batch/v1:Job", n);
        expect(job("mariadb-db-keystone").dependsOn).toEqual(expect.arrayContaining(["dev-mariadb-mariadb"]));
        expect(job("keystone-db-sync").dependsOn).toEqual(expect.arrayContaining(["dev-keystone-db-mariadb-db-keystone", "dev-keystone-etc"]));
        expect(job("keystone-bootstrap").dependsOn).toEqual(expect.arrayContaining(["dev-keystone-keystone-db-sync", "dev-keystone-admin"]));
        expect(rec.find("kubernetes:apps/v1:Deployment", "keystone-api").dependsOn).toContain("dev-keystone-keystone-bootstrap");
    });
});
