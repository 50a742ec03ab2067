import { Recorder, output, podSpec } from "./harness";
import { ovsSpec } from "../fixtures-networking";

const rec = new Recorder();
// Imported after the mocks are set.
import { Cloud } from "../../components";

const spec = ovsSpec();
spec.services!.octavia = { enabled: true };

const DP = "openstack-dataplane";
const WORKLOADS = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet", "kubernetes:batch/v1:Job"];

describe("Cloud networking (openvswitch backend) under mocks", () => {
    let cloud: Cloud;
    beforeAll(async () => {
        cloud = new Cloud("net", { spec }, rec.opts());
        await rec.settle();
    }, 120000);

    test("the networking components exist, use oskube tokens and register their outputs", () => {
        const comps = rec.components();
        const types = new Set(comps.map((c) => c.type));
        for (const t of ["OpenVSwitch", "NeutronServer", "NeutronAgents", "Octavia", "NetworkLayout"]) {
            expect(types).toContain(`oskube:index:${t}`);
        }
        expect(types).not.toContain("oskube:index:Ovn");
        for (const c of comps) {
            expect(rec.registeredOutputs.has(`${c.type}::${c.name}`)).toBe(true);
        }
    });

    test("agents land only where they belong", () => {
        const ds = Object.fromEntries(rec.ofType("kubernetes:apps/v1:DaemonSet").map((d) => [d.inputs.metadata.name, d]));
        const expected: Record<string, string> = {
            "openvswitch": "openvswitch",
            "neutron-ovs-agent": "openvswitch",
            "neutron-dhcp-agent": "openstack-network-node",
            "neutron-l3-agent": "l3-agent",
            "neutron-metadata-agent": "openstack-network-node",
            "neutron-metering-agent": "l3-agent",
        };
        expect(Object.keys(ds).filter((n) => n.startsWith("neutron-") || n === "openvswitch").sort()).toEqual(Object.keys(expected).sort());
        for (const [name, label] of Object.entries(expected)) {
            const pod = podSpec(ds[name]);
            expect(ds[name].inputs.metadata.namespace).toBe(DP);
            expect(pod.nodeSelector).toEqual({ [label]: "enabled", "kubernetes.io/os": "linux" });
            expect(pod.tolerations.map((t: any) => t.key).sort()).toEqual(
                ["openstack-compute-node", "openstack-control-plane", "openstack-network-node", "openstack-storage-node"]);
            expect(pod.hostNetwork).toBe(true);
        }
    });

    test("the labels the agents select are on the right nodes only", () => {
        const labels = Object.fromEntries(rec.ofType("kubernetes:core/v1:NodePatch").map((p) => [p.inputs.metadata.name, p.inputs.metadata.labels]));
        expect(labels["dev-network-0"]["l3-agent"]).toBe("enabled");
        expect(labels["dev-compute-0"]["l3-agent"]).toBeUndefined();
        expect(labels["dev-compute-0"]["openvswitch"]).toBe("enabled");
        expect(labels["dev-control-0"]["openvswitch"]).toBeUndefined();
    });

    test("privileged pods exist only in the data-plane namespace", () => {
        const workloads = WORKLOADS.flatMap((t) => rec.ofType(t));
        const privileged = workloads.filter((w) => [...(podSpec(w).containers ?? []), ...(podSpec(w).initContainers ?? [])]
            .some((c: any) => c.securityContext?.privileged));
        expect(privileged.length).toBeGreaterThanOrEqual(6);
        for (const w of privileged) {
            expect(w.inputs.metadata.namespace).toBe(DP);
        }
        for (const w of workloads.filter((x) => x.inputs.metadata.namespace !== DP)) {
            expect(podSpec(w).hostNetwork).toBeFalsy();
        }
    });

    test("neutron and octavia control-plane workloads run unprivileged on control-plane nodes", () => {
        const names = ["neutron-server", "neutron-rpc-server", "neutron-periodic-workers", "neutron-db-sync", "octavia-api", "octavia-worker",
            "octavia-health-manager", "octavia-housekeeping", "octavia-db-sync"];
        for (const name of names) {
            const w = WORKLOADS.flatMap((t) => rec.ofType(t)).find((x) => x.inputs.metadata.name === name);
            expect(w).toBeDefined();
            expect(w!.inputs.metadata.namespace).toBe("openstack");
            expect(podSpec(w!).nodeSelector["openstack-control-plane"]).toBe("enabled");
            expect(podSpec(w!).securityContext.runAsNonRoot).toBe(true);
        }
    });

    test("no generated secret appears outside a Kubernetes Secret", () => {
        const leaks = rec.resources.filter((r) => r.type !== "kubernetes:core/v1:Secret" && !r.type.startsWith("random:") && !r.type.startsWith("pulumi:providers:"));
        const text = JSON.stringify(leaks.map((r) => r.inputs));
        for (const s of rec.generatedSecrets) {
            expect(text).not.toContain(s);
        }
        for (const cm of rec.ofType("kubernetes:core/v1:ConfigMap")) {
            expect(cm.hasSecretInputs).toBe(false);
        }
    });

    test("the agents' config Secret is in the data plane and holds the neutron vhost password and the metadata secret Nova gets", () => {
        const secret = (n: string, ns: string) => rec.ofType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === n && s.inputs.metadata.namespace === ns)!;
        const etc = secret("neutron-agent-etc", DP);
        expect(etc.hasSecretInputs).toBe(true);
        const mq = secret("neutron-rabbitmq", "openstack").inputs.stringData.password;
        expect(etc.inputs.stringData["neutron.conf"]).toContain(`neutron:${mq}@rabbitmq-0`);
        const md = secret("neutron-metadata-proxy", "openstack").inputs.stringData.secret;
        expect(rec.generatedSecrets).toContain(md);
        expect(etc.inputs.stringData["metadata_agent.ini"]).toContain(`metadata_proxy_shared_secret = ${md}`);
        expect(etc.inputs.stringData["neutron.conf"]).not.toMatch(/\[database\]/);
        expect(secret("neutron-etc", "openstack").inputs.stringData["neutron.conf"]).toMatch(/connection = mysql\+pymysql:\/\/neutron:/);
    });

    test("the server waits for its database, vhost and Keystone registration; agents wait for the server and OVS", () => {
        const job = rec.find("kubernetes:batch/v1:Job", "neutron-db-sync");
        expect(job.dependsOn).toEqual(expect.arrayContaining(["net-neutron-db-neutron-mariadb-db-neutron", "net-neutron-mq-rabbitmq-vhost-neutron", "net-neutron-neutron-ks-register", "net-neutron-etc"]));
        const reg = rec.find("kubernetes:batch/v1:Job", "neutron-ks-register");
        expect(reg.inputs.spec.template.spec.containers[0].command[2]).toContain("openstack service create --name neutron network");
        const agent = rec.find("kubernetes:apps/v1:DaemonSet", "neutron-l3-agent");
        expect(agent.dependsOn).toEqual(expect.arrayContaining(["net-neutron-neutron-server", "net-neutron-neutron-rpc-server", "net-openvswitch-openvswitch"]));
    });

    test("the OpenStack-side layout is created through @pulumi/openstack", () => {
        const nets = rec.ofType("openstack:networking/network:Network");
        expect(nets.map((n) => n.inputs.name).sort()).toEqual(["management", "provider", "selfservice"]);
        expect(nets.find((n) => n.inputs.name === "provider")!.inputs).toEqual(expect.objectContaining({
            external: true, segments: [{ networkType: "flat", physicalNetwork: "physnet1" }],
        }));
        for (const r of [...nets, ...rec.ofType("openstack:networking/subnet:Subnet")]) {
            expect(r.parent!.type).toBe("oskube:index:NetworkLayout");
        }
        const router = rec.ofType("openstack:networking/router:Router")[0];
        expect(router.inputs.externalNetworkId).toBe("net-network-layout-net-provider-id");
        const iface = rec.ofType("openstack:networking/routerInterface:RouterInterface")[0];
        expect(iface.inputs).toEqual({ routerId: "net-network-layout-router-router-id", subnetId: "net-network-layout-subnet-selfservice-v4-id" });
        const mgmt = rec.ofType("openstack:networking/subnet:Subnet").find((s) => s.inputs.name === "management-v4")!;
        expect(mgmt.inputs.hostRoutes).toEqual([{ destinationCidr: "192.0.2.123/32", nextHop: "10.10.0.1" }]);
        expect(rec.ofType("openstack:networking/secGroupRule:SecGroupRule")).toHaveLength(2);
    });

    test("Cloud.services carries the networking outputs", async () => {
        const services = await output(cloud.services);
        expect(services.neutron).toBe("http://neutron-server.openstack.svc.cluster.local:9696");
        expect(services.octavia).toBe("http://octavia-api.openstack.svc.cluster.local:9876");
        expect(services.networkBackend).toBe("openvswitch");
        expect(services.networkIds).toEqual({ management: "net-network-layout-net-management-id", provider: "net-network-layout-net-provider-id", selfservice: "net-network-layout-net-selfservice-id" });
        expect(services.floatingIpPools).toEqual(["provider"]);
        expect(JSON.stringify(services)).not.toMatch(/GenSecret/);
    });
});
