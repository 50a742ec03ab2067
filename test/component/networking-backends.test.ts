import { Recorder, podSpec } from "./harness";
import { articleLayout, calicoSpec, dvrSpec, ovnSpec } from "../fixtures-networking";

const rec = new Recorder();
// Imported after the mocks are set.
import * as openstack from "@pulumi/openstack";
import { Cloud, NetworkLayout, SpecError } from "../../components";

const NETWORKING = ["OpenVSwitch", "Ovn", "NeutronServer", "NeutronAgents", "Octavia", "NetworkLayout"].map((t) => `oskube:index:${t}`);

/** Resources the networking components of one Cloud created (compute adds DaemonSets of its own). */
function under(prefix: string, type: string) {
    return rec.ofType(type).filter((r) => r.name.startsWith(`${prefix}-`) && NETWORKING.includes(r.parent?.type ?? ""));
}

describe("other backends and standalone use under mocks", () => {
    beforeAll(async () => {
        new Cloud("ovn", { spec: ovnSpec() }, rec.opts());
        new Cloud("cal", { spec: calicoSpec() }, rec.opts());
        new Cloud("dvr", { spec: dvrSpec() }, rec.opts());
        const provider = new openstack.Provider("existing", { authUrl: "https://keystone.example.com/v3" });
        new NetworkLayout("standalone", {
            layout: articleLayout(),
            neutron: { physnets: [{ name: "physnet1", vlanRanges: [{ min: 100, max: 199 }] }] },
        }, { ...rec.opts(), provider });
        await rec.settle();
    }, 120000);

    test("ovn: databases and northd on the control plane, ovn-controller and the OVN metadata agent on the data plane, no DHCP/L3 agents", () => {
        const ds = under("ovn", "kubernetes:apps/v1:DaemonSet").map((d) => d.inputs.metadata.name).sort();
        expect(ds).toEqual(["neutron-ovn-metadata-agent", "openvswitch", "ovn-controller"]);
        const sts = under("ovn", "kubernetes:apps/v1:StatefulSet").map((d) => d.inputs.metadata.name);
        expect(sts).toEqual(expect.arrayContaining(["ovn-ovsdb-nb", "ovn-ovsdb-sb"]));
        const northd = under("ovn", "kubernetes:apps/v1:Deployment").find((d) => d.inputs.metadata.name === "ovn-northd")!;
        expect(northd.inputs.metadata.namespace).toBe("openstack");
        expect(podSpec(northd).containers[0].securityContext.privileged).toBeUndefined();
        const dbSync = under("ovn", "kubernetes:batch/v1:Job").find((j) => j.inputs.metadata.name === "neutron-db-sync")!;
        expect(dbSync.dependsOn).toEqual(expect.arrayContaining(["ovn-ovn-ovn-ovsdb-nb", "ovn-ovn-ovn-ovsdb-sb"]));
    });

    test("calico: Felix and its DHCP agent on compute nodes, no Open vSwitch", () => {
        const ds = under("cal", "kubernetes:apps/v1:DaemonSet");
        expect(ds.map((d) => d.inputs.metadata.name).sort()).toEqual(["calico-dhcp-agent", "calico-felix"]);
        for (const d of ds) {
            expect(podSpec(d).nodeSelector["openstack-compute-node"]).toBe("enabled");
            expect(d.inputs.metadata.namespace).toBe("openstack-dataplane");
        }
        const labels = rec.ofType("kubernetes:core/v1:NodePatch").filter((p) => p.name.startsWith("cal-")).map((p) => p.inputs.metadata.labels);
        expect(labels.every((l) => l.openvswitch === undefined)).toBe(true);
    });

    test("dvr: l3 (dvr) and metadata agents also on compute nodes; dvr_snat on network nodes", () => {
        const ds = Object.fromEntries(under("dvr", "kubernetes:apps/v1:DaemonSet").map((d) => [d.inputs.metadata.name, d]));
        expect(podSpec(ds["neutron-l3-agent-dvr"]).nodeSelector["openstack-compute-node"]).toBe("enabled");
        expect(podSpec(ds["neutron-metadata-agent-dvr"]).nodeSelector["openstack-compute-node"]).toBe("enabled");
        const etc = under("dvr", "kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "neutron-agent-etc")!;
        expect(etc.inputs.stringData["l3_agent.ini"]).toContain("agent_mode = dvr_snat");
        expect(etc.inputs.stringData["l3_agent_dvr.ini"]).toContain("agent_mode = dvr");
    });

    test("privileged pods only in the data-plane namespace, for every backend", () => {
        const workloads = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet", "kubernetes:batch/v1:Job"].flatMap((t) => rec.ofType(t));
        for (const w of workloads) {
            const containers = [...(podSpec(w).containers ?? []), ...(podSpec(w).initContainers ?? [])];
            if (containers.some((c: any) => c.securityContext?.privileged)) {
                expect(w.inputs.metadata.namespace).toBe("openstack-dataplane");
            }
        }
    });

    test("standalone NetworkLayout: validated without nodes, created under the given provider", () => {
        const nets = rec.ofType("openstack:networking/network:Network").filter((n) => n.name.startsWith("standalone-"));
        expect(nets.map((n) => n.inputs.name).sort()).toEqual(["management", "provider", "selfservice"]);
        expect(nets.every((n) => n.parent?.name === "standalone")).toBe(true);
    });

    test("standalone NetworkLayout rejects a bad layout before registering anything", () => {
        const before = rec.resources.length;
        const bad = articleLayout();
        bad.management!.segmentationId = 4000;
        expect(() => new NetworkLayout("bad", { layout: bad, neutron: { physnets: [{ name: "physnet1", vlanRanges: [{ min: 100, max: 199 }] }] } }))
            .toThrow(SpecError);
        expect(() => new NetworkLayout("both", { layout: articleLayout(), spec: ovnSpec() })).toThrow(/exactly one/);
        expect(rec.resources.length).toBe(before);
    });
});
