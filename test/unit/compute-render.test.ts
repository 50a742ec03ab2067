import * as ini from "ini";
import { computePoolAffinity, computePoolNames, renderNovaCompute, renderNovaComputeConf } from "../../lib/render/compute";
import { CINDER_PLACEHOLDERS, renderCinder, renderCinderConf } from "../../lib/render/cinder";
import { rbdSecretUuid } from "../../lib/render/ceph";
import { glanceConfigHash, renderGlance, renderGlanceConf } from "../../lib/render/glance";
import { infraEndpoints } from "../../lib/render/infra";
import { KUBEVIRT_NAMESPACE, kubevirtOperatorUrl, renderKubevirtCr, renderVirtualMachine } from "../../lib/render/kubevirt";
import { libvirtCephSecretXml, qemuConf, renderLibvirt, renderLibvirtConf, renderLibvirtConfigMap } from "../../lib/render/libvirt";
import { NOVA_PLACEHOLDERS, addPodVolumes, defaultNeutronUrl, novaConfigHash, novaEndpoints, renderDiscoverHostsJob, renderNova, renderNovaConf } from "../../lib/render/nova";
import { placementConfigHash, placementUrl, renderPlacement, renderPlacementConf } from "../../lib/render/placement";
import { ResolvedCloud, resolveSpec } from "../../lib/spec";
import { devSpec } from "../fixtures";
import { haStorageSpec, storageSpec } from "../fixtures-compute";

const dev = (): ResolvedCloud => resolveSpec(devSpec());
const ceph = (): ResolvedCloud => resolveSpec(storageSpec());
const ha = (): ResolvedCloud => resolveSpec(haStorageSpec());
const wiring = (c: ResolvedCloud) => ({ neutronUrl: defaultNeutronUrl(c) });
const pod = (m: any) => m.spec.template.spec;
const SECRETS = { dbPassword: "dbpw", keystonePassword: "kspw" };

describe("Placement", () => {
    test("placement.conf: its own database, keystone auth, read back by an INI parser", () => {
        const c = dev();
        const conf = ini.parse(renderPlacementConf(c, infraEndpoints(c), SECRETS));
        expect(conf.placement_database.connection).toBe("mysql+pymysql://placement:dbpw@mariadb.openstack.svc.cluster.local:3306/placement?charset=utf8");
        expect(conf.keystone_authtoken).toMatchObject({ username: "placement", password: "kspw", auth_url: "http://keystone-api.openstack.svc.cluster.local:5000/v3" });
        expect(conf.api.auth_strategy).toBe("keystone");
    });

    test("API and db-sync carry the same config hash, which hides the secrets", () => {
        const c = dev();
        const m = renderPlacement(c, infraEndpoints(c), "p");
        const hash = placementConfigHash(c, infraEndpoints(c));
        expect(m.api[0].spec).toMatchObject({ template: { metadata: { annotations: { "oskube.io/config-hash": hash } } } });
        expect(m.dbSync.metadata.name).toBe("placement-db-sync");
        expect(pod(m.dbSync).containers[0].command).toEqual(["placement-manage", "--config-file", "/etc/placement/placement.conf", "db", "sync"]);
        expect(pod(m.api[0]).containers[0].command).toContain("placement.wsgi.api:application");
        expect(placementUrl(c)).toBe("http://placement-api.openstack.svc.cluster.local:8778");
        expect(JSON.stringify(m)).not.toMatch(/dbpw|kspw/);
    });

    test("config overrides merge over the rendered file and change the hash", () => {
        const spec = devSpec();
        spec.services = { placement: { configOverrides: { DEFAULT: { debug: "true" } } } };
        const c = resolveSpec(spec);
        expect(ini.parse(renderPlacementConf(c, infraEndpoints(c), SECRETS)).DEFAULT.debug).toBe(true);
        expect(placementConfigHash(c, infraEndpoints(c))).not.toBe(placementConfigHash(dev(), infraEndpoints(dev())));
    });
});

describe("Glance", () => {
    test("without Ceph: a file store on a ReadWriteOnce claim, one replica, Recreate", () => {
        const c = dev();
        const conf = ini.parse(renderGlanceConf(c, infraEndpoints(c), SECRETS));
        expect(conf.DEFAULT.enabled_backends).toBe("file:file");
        expect(conf.glance_store.default_backend).toBe("file");
        expect(conf.file.filesystem_store_datadir).toBe("/var/lib/glance/images");
        const m = renderGlance(c, infraEndpoints(c), "g");
        expect(m.imagesClaim!.spec).toMatchObject({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } });
        const d = m.api[0];
        expect((d.spec as any).replicas).toBe(1);
        expect((d.spec as any).strategy).toEqual({ type: "Recreate" });
        expect(pod(d).volumes).toContainEqual({ name: "state", persistentVolumeClaim: { claimName: "glance-images" } });
    });

    test("with Ceph: the RBD store on the images pool as client.glance, and the ceph-client Secret mounted", () => {
        const c = ceph();
        const conf = ini.parse(renderGlanceConf(c, infraEndpoints(c), SECRETS));
        expect(conf.DEFAULT.enabled_backends).toBe("rbd:rbd");
        expect(conf.DEFAULT.show_image_direct_url).toBe(true);
        expect(conf.rbd).toMatchObject({ rbd_store_pool: "images", rbd_store_user: "glance", rbd_store_ceph_conf: "/etc/ceph/ceph.conf" });
        const m = renderGlance(c, infraEndpoints(c), "g");
        expect(m.imagesClaim).toBeUndefined();
        expect(pod(m.api[0]).volumes).toContainEqual({ name: "ceph-client", secret: { secretName: "ceph-client", defaultMode: 0o440 } });
        expect(pod(m.api[0]).containers[0].volumeMounts).toContainEqual({ name: "ceph-client", mountPath: "/etc/ceph", readOnly: true });
        expect(glanceConfigHash(c, infraEndpoints(c))).not.toBe(glanceConfigHash(dev(), infraEndpoints(dev())));
    });
});

describe("Nova control plane", () => {
    test("nova.conf: three databases with their own users, the metadata proxy secret, Neutron and Placement", () => {
        const c = dev();
        const s = { ...NOVA_PLACEHOLDERS, apiDbPassword: "apipw", dbPassword: "novapw", metadataSecret: "metasecret", mqPassword: "mqpw" };
        const conf = ini.parse(renderNovaConf(c, infraEndpoints(c), wiring(c), s));
        expect(conf.api_database.connection).toMatch(/^mysql\+pymysql:\/\/nova_api:apipw@.*\/nova_api\?/);
        expect(conf.database.connection).toMatch(/^mysql\+pymysql:\/\/nova:novapw@.*\/nova\?/);
        expect(conf.neutron).toMatchObject({ service_metadata_proxy: true, metadata_proxy_shared_secret: "metasecret", endpoint_override: "http://neutron-server.openstack.svc.cluster.local:9696" });
        expect(conf.placement).toMatchObject({ username: "nova", auth_type: "password", region_name: "RegionOne" });
        expect(conf.DEFAULT.transport_url).toMatch(/^rabbit:\/\/nova:mqpw@rabbitmq-0\.[^/]+:5672\/nova$/);
        expect(conf.oslo_messaging_rabbit.rabbit_quorum_queue).toBe(true);
        expect(conf.vnc.novncproxy_base_url).toBe(novaEndpoints(c).novncproxyBaseUrl);
        // Options 2026.1's nova rejects (found by the openstack tier): eventlet API workers, and adapter options in [service_user].
        expect(conf.DEFAULT.enabled_apis).toBeUndefined();
        expect(conf.DEFAULT.osapi_compute_workers).toBeUndefined();
        expect(conf.api?.auth_strategy).toBeUndefined();
        expect(conf.service_user).toMatchObject({ username: "nova", send_service_user_token: true });
        expect(conf.service_user.region_name).toBeUndefined();
        expect(conf.service_user.valid_interfaces).toBeUndefined();
    });

    test("cell Jobs run in order: api db sync, map cell0 with its own connection, create cell1 only once, db sync", () => {
        const c = dev();
        const m = renderNova(c, infraEndpoints(c), wiring(c), "n");
        expect(m.cellJobs.map((j) => j.metadata.name)).toEqual(["nova-api-db-sync", "nova-cell0-map", "nova-cell1-create", "nova-db-sync"]);
        const script = (j: any) => pod(j).containers[0].command.join(" ");
        expect(script(m.cellJobs[0])).toMatch(/nova-manage .* api_db sync/);
        expect(script(m.cellJobs[1])).toMatch(/cell_v2 map_cell0 --database_connection "\$CELL0_DB"/);
        expect(pod(m.cellJobs[1]).containers[0].env).toEqual([{ name: "CELL0_DB", valueFrom: { secretKeyRef: { name: "nova-etc", key: "cell0-connection" } } }]);
        expect(script(m.cellJobs[2])).toMatch(/list_cells .* grep -qx cell1; then[\s\S]*create_cell --name cell1/);
        expect(script(m.cellJobs[3])).toMatch(/nova-manage .* db sync$/);
        for (const j of m.cellJobs) {
            expect(pod(j).nodeSelector["openstack-control-plane"]).toBe("enabled");
            expect(pod(j).securityContext.runAsNonRoot).toBe(true);
        }
    });

    test("api, metadata, scheduler, conductor and novncproxy run restricted on the control plane", () => {
        const c = dev();
        const m = renderNova(c, infraEndpoints(c), wiring(c), "n");
        const deployments = [...m.api, ...m.metadata, ...m.scheduler, ...m.conductor, ...m.novncproxy].filter((x) => x.kind === "Deployment");
        expect(deployments.map((d) => d.metadata.name)).toEqual(["nova-api", "nova-metadata", "nova-scheduler", "nova-conductor", "nova-novncproxy"]);
        const hash = novaConfigHash(c, infraEndpoints(c), wiring(c));
        for (const d of deployments) {
            const p = pod(d);
            expect(p.nodeSelector["openstack-control-plane"]).toBe("enabled");
            expect(p.containers[0].securityContext.privileged).toBeUndefined();
            expect(p.containers[0].securityContext.allowPrivilegeEscalation).toBe(false);
            expect((d.spec as any).template.metadata.annotations["oskube.io/config-hash"]).toBe(hash);
            expect(p.volumes).toContainEqual({ name: "state", emptyDir: {} });
        }
        expect(m.metadata.find((x) => x.kind === "Service")!.spec).toMatchObject({ ports: [{ port: 8775 }] });
        expect(m.api.find((x) => x.kind === "Service")!.spec).toMatchObject({ ports: [{ port: 8774 }] });
    });

    test("host discovery: a Job per pool and a CronJob with the same pod", () => {
        const c = dev();
        const m = renderNova(c, infraEndpoints(c), wiring(c), "n");
        const job = renderDiscoverHostsJob(c, infraEndpoints(c), wiring(c), "n", "discover-hosts-kvm");
        expect(job.metadata.name).toBe("nova-discover-hosts-kvm");
        expect(pod(job).containers[0].command.join(" ")).toMatch(/cell_v2 discover_hosts/);
        expect(m.discoverHostsCron.kind).toBe("CronJob");
        expect((m.discoverHostsCron.spec as any).schedule).toBe("*/10 * * * *");
        expect((m.discoverHostsCron.spec as any).concurrencyPolicy).toBe("Forbid");
        expect((m.discoverHostsCron.spec as any).jobTemplate.spec.template.spec.containers[0].command).toEqual(pod(job).containers[0].command);
    });

    test("the Neutron URL changes the hash, so a new Neutron endpoint rolls Nova", () => {
        const c = dev();
        expect(novaConfigHash(c, infraEndpoints(c), { neutronUrl: "http://a:9696" })).not.toBe(novaConfigHash(c, infraEndpoints(c), { neutronUrl: "http://b:9696" }));
    });

    test("addPodVolumes adds to every container", () => {
        const m: any = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { template: { spec: { containers: [{}, { volumeMounts: [{ name: "a" }] }] } } } };
        addPodVolumes(m, [{ name: "v" }], [{ name: "v", mountPath: "/v" }]);
        expect(m.spec.template.spec.volumes).toEqual([{ name: "v" }]);
        expect(m.spec.template.spec.containers[1].volumeMounts).toEqual([{ name: "a" }, { name: "v", mountPath: "/v" }]);
    });
});

describe("compute pools: nova-compute and libvirt", () => {
    test("nova-compute.conf per pool: virt type, CPU model, RBD ephemeral disks only where chosen", () => {
        const c = ceph();
        const [kvm, qemu] = c.compute.pools;
        const k = ini.parse(renderNovaComputeConf(c, kvm, infraEndpoints(c), wiring(c), { mqPassword: "mq", keystonePassword: "ks" }));
        expect(k.DEFAULT.compute_driver).toBe("libvirt.LibvirtDriver");
        expect(k.libvirt).toMatchObject({ virt_type: "kvm", cpu_mode: "custom", cpu_models: "Skylake-Server", images_type: "rbd", images_rbd_pool: "vms", rbd_user: "cinder", rbd_secret_uuid: rbdSecretUuid(c) });
        expect(k.database).toBeUndefined();
        expect(k.api_database).toBeUndefined();
        const q = ini.parse(renderNovaComputeConf(c, qemu, infraEndpoints(c), wiring(c), { mqPassword: "mq", keystonePassword: "ks" }));
        expect(q.libvirt).toMatchObject({ virt_type: "qemu", cpu_mode: "host-model", images_type: "qcow2", rbd_user: "cinder" });
        expect(q.libvirt.cpu_models).toBeUndefined();
        expect(q.libvirt.images_rbd_pool).toBeUndefined();
    });

    test("no Ceph means no RBD options at all", () => {
        const c = dev();
        const conf = ini.parse(renderNovaComputeConf(c, c.compute.pools[0], infraEndpoints(c), wiring(c), { mqPassword: "mq", keystonePassword: "ks" }));
        expect(conf.libvirt.rbd_user).toBeUndefined();
        expect(conf.libvirt.images_type).toBe("qcow2");
    });

    test("DaemonSets: data plane, privileged, hostNetwork and hostPID, Bidirectional mounts, only on the pool's nodes", () => {
        const c = ceph();
        const pool = c.compute.pools[0];
        for (const ds of [renderNovaCompute(c, pool, infraEndpoints(c), wiring(c), "i"), renderLibvirt(c, pool, "i")]) {
            expect(ds.kind).toBe("DaemonSet");
            expect(ds.metadata.namespace).toBe("openstack-dataplane");
            const p = pod(ds);
            expect(p).toMatchObject({ hostNetwork: true, hostPID: true, dnsPolicy: "ClusterFirstWithHostNet" });
            expect(p.affinity).toEqual(computePoolAffinity(pool));
            expect(p.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toEqual([
                { key: "openstack-compute-node", operator: "In", values: ["enabled"] },
                { key: "oskube.io/node-pool", operator: "In", values: ["compute-kvm"] },
            ]);
            expect(p.tolerations.map((t: any) => t.key)).toContain("openstack-compute-node");
            const c0 = p.containers[0];
            expect(c0.securityContext.privileged).toBe(true);
            const mounts = Object.fromEntries(c0.volumeMounts.map((m: any) => [m.mountPath, m]));
            for (const path of ["/var/lib/nova", "/var/lib/libvirt", "/run/libvirt"]) {
                expect(mounts[path].mountPropagation).toBe("Bidirectional");
            }
            for (const path of ["/dev", "/sys/fs/cgroup", "/lib/modules", "/etc/ceph"]) {
                expect(mounts[path]).toBeDefined();
            }
            expect(mounts["/lib/modules"].readOnly).toBe(true);
            expect((ds.spec as any).selector.matchLabels["oskube.io/compute-pool"]).toBe("kvm");
        }
    });

    test("two pools get separate objects and never share a node pool", () => {
        const c = ceph();
        const [a, b] = c.compute.pools.map((p) => renderNovaCompute(c, p, infraEndpoints(c), wiring(c), "i"));
        expect([a.metadata.name, b.metadata.name]).toEqual(["nova-compute-kvm", "nova-compute-qemu"]);
        expect(pod(a).volumes.find((v: any) => v.name === "config").secret.secretName).toBe(computePoolNames("kvm").novaConfig);
        expect((a.spec as any).template.metadata.annotations["oskube.io/config-hash"]).not.toBe((b.spec as any).template.metadata.annotations["oskube.io/config-hash"]);
    });

    test("nova-compute learns host and my_ip per node from the downward API", () => {
        const c = dev();
        const ds = renderNovaCompute(c, c.compute.pools[0], infraEndpoints(c), wiring(c), "i");
        const c0 = pod(ds).containers[0];
        expect(c0.env).toEqual([
            { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
            { name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
        ]);
        expect(c0.command[2]).toMatch(/exec nova-compute --config-file \/etc\/nova\/nova.conf --config-file \/tmp\/nova-host.conf/);
        expect(pod(ds).volumes.map((v: any) => v.name)).not.toContain("ceph-client");
    });

    test("libvirt: its own config syntax, a ConfigMap without secrets, and the Ceph secret defined at start", () => {
        expect(renderLibvirtConf({ listen_tcp: 1, auth_tcp: "none" })).toBe('listen_tcp = 1\nauth_tcp = "none"\n');
        const c = ceph();
        const pool = c.compute.pools[0];
        const cm = renderLibvirtConfigMap(c, pool, "i");
        expect(cm.kind).toBe("ConfigMap");
        expect(Object.keys(cm.data as object)).toEqual(["libvirtd.conf", "qemu.conf"]);
        expect(qemuConf(pool)).toMatch(/security_driver = "none"/);
        const script = pod(renderLibvirt(c, pool, "i")).containers[0].command[2];
        expect(script).toContain(`virsh secret-set-value --secret ${rbdSecretUuid(c)} --file /etc/ceph/cinder.key`);
        expect(libvirtCephSecretXml(c)).toContain("<name>client.cinder secret</name>");
        const devScript = pod(renderLibvirt(dev(), dev().compute.pools[0], "i")).containers[0].command[2];
        expect(devScript).toMatch(/exec libvirtd --listen$/);
    });

    test("the RBD secret UUID is a stable UUID", () => {
        expect(rbdSecretUuid(ceph())).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(rbdSecretUuid(ceph())).toBe(rbdSecretUuid(ha()));
    });
});

describe("Cinder", () => {
    test("cinder.conf: the RBD backend on the volumes pool as client.cinder, with the shared libvirt secret", () => {
        const c = ha();
        const conf = ini.parse(renderCinderConf(c, infraEndpoints(c), { dbPassword: "d", mqPassword: "m", keystonePassword: "k" }));
        expect(conf.DEFAULT.enabled_backends).toBe("rbd1");
        expect(conf.rbd1).toMatchObject({ volume_driver: "cinder.volume.drivers.rbd.RBDDriver", rbd_pool: "volumes", rbd_user: "cinder", rbd_secret_uuid: rbdSecretUuid(c), backend_host: "cinder-volume-rbd" });
        expect(conf.DEFAULT.transport_url).toMatch(/^rabbit:\/\/cinder:m@/);
    });

    test("api, scheduler and volume after db-sync; only volume mounts the Ceph keyring", () => {
        const c = ha();
        const m = renderCinder(c, infraEndpoints(c), "c");
        expect(m.dbSync.metadata.name).toBe("cinder-db-sync");
        expect([m.api[0], m.scheduler[0], m.volume[0]].map((d) => d.metadata.name)).toEqual(["cinder-api", "cinder-scheduler", "cinder-volume"]);
        expect(pod(m.volume[0]).volumes.map((v: any) => v.name)).toContain("ceph-client");
        expect(pod(m.scheduler[0]).volumes.map((v: any) => v.name)).not.toContain("ceph-client");
        expect(JSON.stringify(m)).not.toContain(CINDER_PLACEHOLDERS.dbPassword);
    });
});

describe("KubeVirt", () => {
    test("a VirtualMachine with CPU, memory, container disk and Multus networks on compute nodes", () => {
        const c = ceph();
        const vm = renderVirtualMachine(c, c.compute.kubevirtVms[0], "i");
        expect(vm).toMatchObject({ apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", metadata: { name: "test-vm", namespace: "openstack-dataplane" } });
        const spec = (vm.spec as any);
        expect(spec.runStrategy).toBe("Always");
        const t = spec.template.spec;
        expect(t.domain.cpu.cores).toBe(2);
        expect(t.domain.memory.guest).toBe("2Gi");
        expect(t.volumes).toEqual([{ name: "containerdisk", containerDisk: { image: "quay.io/containerdisks/fedora:41" } }]);
        expect(t.networks).toEqual([{ name: "default", pod: {} }, { name: "net1", multus: { networkName: "provider" } }]);
        expect(t.domain.devices.interfaces).toEqual([{ name: "default", masquerade: {} }, { name: "net1", bridge: {} }]);
        expect(t.nodeSelector).toEqual({ "openstack-compute-node": "enabled" });
    });

    test("a stopped VM is Halted; the KubeVirt CR lets virt-handler onto tainted compute nodes", () => {
        const spec = storageSpec();
        spec.compute!.kubevirtVms![0].running = false;
        const c = resolveSpec(spec);
        expect((renderVirtualMachine(c, c.compute.kubevirtVms[0], "i").spec as any).runStrategy).toBe("Halted");
        const cr = renderKubevirtCr("i");
        expect(cr.metadata.namespace).toBe(KUBEVIRT_NAMESPACE);
        expect((cr.spec as any).workloads.nodePlacement.tolerations.map((t: any) => t.key)).toContain("openstack-compute-node");
        expect(kubevirtOperatorUrl("v1.9.0")).toBe("https://github.com/kubevirt/kubevirt/releases/download/v1.9.0/kubevirt-operator.yaml");
    });
});
