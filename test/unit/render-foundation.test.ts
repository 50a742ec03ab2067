import * as ini from "ini";
import { imageFor, isValidImageReference, resolveImages } from "../../lib/images";
import { configHash } from "../../lib/hash";
import { infraEndpoints } from "../../lib/render/infra";
import { adminOpenrc, keystoneConfigHash, renderKeystone, renderKeystoneConf, renderKeystoneRegistration } from "../../lib/render/keystone";
import { galeraPeers, renderDatabaseJob, renderGaleraCnf, renderMariaDb } from "../../lib/render/mariadb";
import { memcachedServers, renderMemcached } from "../../lib/render/memcached";
import { nodeMarking } from "../../lib/render/nodes";
import { databaseUrl, transportUrl } from "../../lib/render/openstack";
import { mergeOslo, osloValue, renderOsloIni } from "../../lib/render/oslo-ini";
import { rabbitmqHosts, renderRabbitAdminConf, renderRabbitConf, renderRabbitMq, renderVhostJob } from "../../lib/render/rabbitmq";
import { resolveSpec } from "../../lib/spec";
import { devSpec, haSpec } from "../fixtures";

const dev = () => resolveSpec(devSpec());
const ha = () => resolveSpec(haSpec());

describe("oslo INI writer", () => {
    test("sections, DEFAULT first, booleans, numbers and lists", () => {
        const text = renderOsloIni({ database: { connection: "x", max_retries: -1 }, DEFAULT: { debug: false, drivers: ["a", "b"], skip: undefined } });
        expect(text).toBe("[DEFAULT]\ndebug = false\ndrivers = a,b\n\n[database]\nconnection = x\nmax_retries = -1\n");
        expect(ini.parse(text)).toEqual({ DEFAULT: { debug: false, drivers: "a,b" }, database: { connection: "x", max_retries: "-1" } });
    });

    test("values are written as oslo reads them: no backslash escapes, $ doubled, outer quotes and spaces protected", () => {
        expect(osloValue("p#a;s")).toBe("p#a;s");
        expect(osloValue("a=b")).toBe("a=b");
        expect(osloValue("co$t")).toBe("co$$t");
        expect(osloValue("'quoted'")).toBe(`"'quoted'"`);
        expect(osloValue(" padded ")).toBe(`" padded "`);
        // A lone quote is its own "matching outer quotes" to oslo (found by the openstack tier).
        expect(osloValue(`"`)).toBe(`"""`);
        expect(osloValue("'")).toBe(`"'"`);
        expect(() => osloValue("two\nlines")).toThrow(/cannot span lines/);
        expect(() => osloValue(NaN)).toThrow(/number/);
    });

    test("bad section and option names are refused", () => {
        expect(() => renderOsloIni({ "bad section": { a: "b" } })).toThrow(/section/);
        expect(() => renderOsloIni({ DEFAULT: { "bad key": "b" } })).toThrow(/option/);
    });

    test("overrides merge per section and replace per option", () => {
        expect(mergeOslo({ a: { x: "1", y: "2" } }, { a: { y: "3" }, b: { z: "4" } })).toEqual({ a: { x: "1", y: "3" }, b: { z: "4" } });
    });
});

describe("connection URLs", () => {
    test("credentials are percent-encoded", () => {
        expect(databaseUrl({ host: "db", port: 3306 }, "nova_api", "nova", "p@ss:w/rd?#")).toBe(
            "mysql+pymysql://nova:p%40ss%3Aw%2Frd%3F%23@db:3306/nova_api?charset=utf8");
        expect(transportUrl({ hosts: ["r0", "r1"], port: 5672 }, "neutron", "a@b", "neutron")).toBe(
            "rabbit://neutron:a%40b@r0:5672,neutron:a%40b@r1:5672/neutron");
    });
});

describe("images", () => {
    test("release-tagged OpenStack images, fixed infrastructure images, overrides win", () => {
        const images = resolveImages({ registry: "registry.local:5000/osh/", overrides: { nova: "registry.local/nova@sha256:" + "a".repeat(64) } });
        expect(imageFor(images, "2025.2", "keystone")).toBe("registry.local:5000/osh/keystone:2025.2-ubuntu_noble");
        expect(imageFor(images, "2025.2", "nova")).toBe("registry.local/nova@sha256:" + "a".repeat(64));
        expect(imageFor(images, "2025.2", "mariadb")).toBe("docker.io/library/mariadb:11.4");
        expect(() => imageFor(images, "2025.2", "nope")).toThrow(/no image/);
    });

    test("references", () => {
        for (const ok of ["quay.io/airshipit/keystone:2026.1-ubuntu_noble", "localhost:5000/a/b:c", "mariadb:11.4", "x/y@sha256:" + "0".repeat(64)]) {
            expect(isValidImageReference(ok)).toBe(true);
        }
        for (const bad of ["quay.io/airshipit/keystone", "Quay.io/A:b", "a b:c", "x@sha256:12", ""]) {
            expect(isValidImageReference(bad)).toBe(false);
        }
    });
});

describe("node markings", () => {
    test("labels, taints and NIC annotations per node", () => {
        const c = dev();
        const pool = c.nodePools.find((p) => p.name === "network")!;
        const m = nodeMarking(c, pool, pool.nodes[0]);
        expect(m.labels).toEqual({ "oskube.io/node-pool": "network", "openstack-network-node": "enabled", openvswitch: "enabled", "l3-agent": "enabled" });
        expect(m.annotations).toEqual({ "oskube.io/bridge-interfaces": "br-ex:eth1", "oskube.io/tunnel-ip": "10.0.1.10" });
        expect(m.taints).toEqual([{ key: "openstack-network-node", value: "enabled", effect: "NoSchedule" }]);
        const cp = c.nodePools.find((p) => p.name === "compute")!;
        expect(nodeMarking(c, cp, cp.nodes[1]).annotations).toEqual({ "oskube.io/tunnel-interface": "eth0" });
    });

    test("a node with several roles gets every label and taint; taint: false leaves taints alone", () => {
        const spec = devSpec();
        spec.nodePools[1].roles = ["network", "compute"];
        spec.nodePools[1].taint = false;
        const c = resolveSpec(spec);
        const pool = c.nodePools[1];
        const m = nodeMarking(c, pool, pool.nodes[0]);
        expect(m.labels["openstack-compute-node"]).toBe("enabled");
        expect(m.labels["openstack-network-node"]).toBe("enabled");
        expect(m.taints).toEqual([]);
    });
});

describe("MariaDB Galera", () => {
    test("peers and galera.cnf", () => {
        expect(galeraPeers(ha())).toEqual([0, 1, 2].map((i) => `mariadb-${i}.mariadb-discovery.openstack.svc.cluster.local`));
        const cnf = renderGaleraCnf(ha());
        expect(cnf).toContain("wsrep_cluster_address = gcomm://mariadb-0.mariadb-discovery.openstack.svc.cluster.local,mariadb-1.");
        expect(cnf).toContain("wsrep_provider = /usr/lib/galera/libgalera_smm.so");
        expect(cnf).not.toMatch(/password/i);
    });

    test("StatefulSet: replicas, required anti-affinity, persistent claims in production, emptyDir in dev", () => {
        const prod = renderMariaDb(ha(), "m");
        const sts: any = prod.find((m) => m.kind === "StatefulSet");
        expect(sts.spec.replicas).toBe(3);
        expect(sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
        expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ["ReadWriteOnce"], storageClassName: "fast-ssd", resources: { requests: { storage: "50Gi" } } });
        expect(sts.spec.template.metadata.annotations["oskube.io/config-hash"]).toMatch(/^[0-9a-f]{16}$/);
        const pdb: any = prod.find((m) => m.kind === "PodDisruptionBudget");
        expect(pdb.spec.minAvailable).toBe(2);
        const devSts: any = renderMariaDb(dev(), "m").find((m) => m.kind === "StatefulSet");
        expect(devSts.spec.volumeClaimTemplates).toEqual([]);
        expect(devSts.spec.template.spec.volumes).toContainEqual({ name: "data", emptyDir: {} });
        const root = devSts.spec.template.spec.containers[0].env.find((e: any) => e.name === "MARIADB_ROOT_PASSWORD");
        expect(root.valueFrom.secretKeyRef).toEqual({ name: "mariadb-root", key: "password" });
    });

    test("database Job: idempotent SQL, passwords only from Secrets, identifiers checked", () => {
        const job: any = renderDatabaseJob(dev(), "x", "nova_cell0", "nova", "nova-db");
        expect(job.metadata.name).toBe("mariadb-db-nova-cell0");
        const c = job.spec.template.spec.containers[0];
        expect(c.command[2]).toContain("CREATE DATABASE IF NOT EXISTS");
        expect(c.command[2]).toContain("ALTER USER 'nova'@'%'");
        expect(c.env.find((e: any) => e.name === "DB_PASSWORD").valueFrom.secretKeyRef).toEqual({ name: "nova-db", key: "password" });
        expect(() => renderDatabaseJob(dev(), "x", "nova; DROP", "nova", "s")).toThrow(/SQL identifiers/);
    });
});

describe("RabbitMQ", () => {
    test("peer discovery through Kubernetes, quorum queues, no guest", () => {
        const conf = renderRabbitConf(ha());
        expect(conf).toContain("cluster_formation.peer_discovery_backend = k8s");
        expect(conf).toContain("default_queue_type = quorum");
        expect(conf).toContain("cluster_formation.k8s.hostname_suffix = .rabbitmq-nodes.openstack.svc.cluster.local");
        expect(conf).not.toContain("guest");
        expect(renderRabbitAdminConf("admin", "pw")).toBe("default_user = admin\ndefault_pass = pw\ndefault_vhost = /\n");
        expect(rabbitmqHosts(ha())).toHaveLength(3);
    });

    test("StatefulSet uses a ServiceAccount allowed to read endpoints, and the admin conf comes from a Secret", () => {
        const objs = renderRabbitMq(ha(), "r");
        const role: any = objs.find((o) => o.kind === "Role");
        expect(role.rules[0]).toEqual({ apiGroups: [""], resources: ["endpoints"], verbs: ["get"] });
        const sts: any = objs.find((o) => o.kind === "StatefulSet");
        expect(sts.spec.template.spec.serviceAccountName).toBe("rabbitmq");
        expect(sts.spec.template.spec.volumes).toContainEqual({ name: "admin", secret: { secretName: "rabbitmq-admin", defaultMode: 0o400 } });
        const cm: any = objs.find((o) => o.kind === "ConfigMap");
        expect(JSON.stringify(cm.data)).not.toMatch(/default_pass/);
    });

    test("vhost Job creates a quorum vhost and removes guest", () => {
        const job: any = renderVhostJob(dev(), "x", "neutron", "neutron", "neutron-rabbitmq");
        const script: string = job.spec.template.spec.containers[0].command[2];
        expect(script).toContain("add_vhost neutron --default-queue-type quorum");
        expect(script).toContain("delete_user guest");
        expect(script).not.toMatch(/add_user neutron [A-Za-z0-9]{10}/);
        expect(() => renderVhostJob(dev(), "x", "a b", "u", "s")).toThrow(/plain names/);
    });
});

describe("memcached", () => {
    test("one stable address per member", () => {
        expect(memcachedServers(ha())).toEqual([0, 1].map((i) => `memcached-${i}.memcached.openstack.svc.cluster.local:11211`));
        const sts: any = renderMemcached(ha(), "m").find((o) => o.kind === "StatefulSet");
        expect(sts.spec.template.spec.containers[0].args.slice(0, 2)).toEqual(["-m", "256"]);
    });
});

describe("Keystone", () => {
    const infra = () => infraEndpoints(ha());

    test("keystone.conf against the install guide: fernet tokens, database, memcache", () => {
        const conf = ini.parse(renderKeystoneConf(ha(), infra(), { dbPassword: "Secret123" }));
        expect(conf.database.connection).toBe("mysql+pymysql://keystone:Secret123@mariadb.openstack.svc.cluster.local:3306/keystone?charset=utf8");
        expect(conf.token.provider).toBe("fernet");
        expect(conf.fernet_tokens.key_repository).toBe("/etc/keystone/fernet-keys/");
        expect(conf.cache.memcache_servers).toBe("memcached-0.memcached.openstack.svc.cluster.local:11211,memcached-1.memcached.openstack.svc.cluster.local:11211");
    });

    test("configOverrides reach the file, and change the hash that rolls the pods", () => {
        const spec = haSpec();
        const before = keystoneConfigHash(resolveSpec(spec), infra());
        spec.services!.keystone!.configOverrides = { DEFAULT: { debug: "true" } };
        const c = resolveSpec(spec);
        expect(ini.parse(renderKeystoneConf(c, infra(), { dbPassword: "x" })).DEFAULT.debug).toBe(true);
        expect(keystoneConfigHash(c, infra())).not.toBe(before);
    });

    test("the config hash does not depend on the secret", () => {
        const m = renderKeystone(ha(), infra(), "k");
        const dep: any = m.api.find((o) => o.kind === "Deployment");
        expect(dep.spec.template.metadata.annotations["oskube.io/config-hash"]).toBe(keystoneConfigHash(ha(), infra()));
        expect(configHash(renderKeystoneConf(ha(), infra(), { dbPassword: "a" }))).not.toBe(configHash(renderKeystoneConf(ha(), infra(), { dbPassword: "b" })));
    });

    test("bootstrap registers the identity endpoints with the public URL; the password comes from a Secret", () => {
        const m = renderKeystone(ha(), infra(), "k");
        const c: any = (m.bootstrap as any).spec.template.spec.containers[0];
        expect(c.command[2]).toContain("--bootstrap-public-url https://keystone.example.com");
        expect(c.command[2]).toContain("--bootstrap-internal-url http://keystone-api.openstack.svc.cluster.local:5000");
        expect(c.command[2]).toContain("--bootstrap-region-id RegionTwo");
        expect(c.env).toEqual([{ name: "OS_PASSWORD", valueFrom: { secretKeyRef: { name: "keystone-admin", key: "OS_PASSWORD" } } }]);
    });

    test("API Deployment: probes, anti-affinity, fernet keys mounted, PDB and Service", () => {
        const m = renderKeystone(ha(), infra(), "k");
        const dep: any = m.api.find((o) => o.kind === "Deployment");
        const pod = dep.spec.template.spec;
        expect(pod.containers[0].readinessProbe.httpGet).toEqual({ path: "/v3", port: 5000 });
        expect(pod.containers[0].volumeMounts).toContainEqual({ name: "secret-0", mountPath: "/etc/keystone/fernet-keys", readOnly: true });
        expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
        expect(m.api.map((o) => o.kind)).toEqual(["Deployment", "Service", "PodDisruptionBudget"]);
    });

    test("admin openrc and service registration", () => {
        expect(adminOpenrc(ha(), "pw")).toMatchObject({ OS_AUTH_URL: "http://keystone-api.openstack.svc.cluster.local:5000/v3", OS_REGION_NAME: "RegionTwo", OS_PASSWORD: "pw" });
        const job: any = renderKeystoneRegistration(ha(), "n", {
            user: "neutron", userSecret: "neutron-keystone", serviceName: "neutron", serviceType: "network",
            internalUrl: "http://neutron-server:9696", publicUrl: "https://neutron.example.com",
        });
        const script: string = job.spec.template.spec.containers[0].command[2];
        expect(script).toContain("openstack service create --name neutron network");
        expect(script).toContain("openstack endpoint create --region RegionTwo neutron public 'https://neutron.example.com'");
        expect(job.metadata.name).toBe("neutron-ks-register");
    });
});
