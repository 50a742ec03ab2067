import { dotString, renderDiagramDot, shortDevice, workloadsOn } from "../../lib/render/diagram";
import { resolveSpec } from "../../lib/spec";
import { devSpec } from "../fixtures";
import { stackSpec } from "../fixtures-compute";

describe("diagram", () => {
    test("DOT strings escape quotes and backslashes, and align left on request", () => {
        expect(dotString('a "b"\\c\nd')).toBe('"a \\"b\\"\\\\c\\nd"');
        expect(dotString("a\nb", true)).toBe('"a\\lb\\l"');
        expect(shortDevice("/dev/sdb")).toBe("sdb");
        expect(shortDevice("/dev/disk/by-id/nvme-SAMSUNG_MZQL23T8HCLS-00A07_S64HNE0T500123")).toBe("…4HNE0T500123");
    });

    test("the dev stack: the article's management and provider networks with gateways, a router, and every pool", () => {
        const dot = renderDiagramDot(resolveSpec(stackSpec("dev")), "dev");
        expect(dot).toContain("Management network management\\n10.0.0.0/24 gw 10.0.0.1");
        expect(dot).toContain("Provider network provider (flat on provider)\\n203.0.113.0/24 gw 203.0.113.1");
        expect(dot).toContain("Tenant network selfservice (vxlan)");
        expect(dot).toMatch(/net_provider_provider -> router_router \[.*label="gateway"\]/);
        expect(dot).toMatch(/router_router -> net_tenant_selfservice/);
        for (const pool of ["control", "network", "compute", "storage"]) {
            expect(dot).toMatch(new RegExp(`net_management -> pool_${pool} `));
        }
        expect(dot).toMatch(/net_provider_provider -> pool_network \[.*label="br-ex"\]/);
        expect(dot).not.toMatch(/net_provider_provider -> pool_compute/);
        expect(dot).toContain("libvirt + nova-compute (qemu: qemu, host-model, disks rbd)");
        expect(dot).toContain("Ceph RBD");
        expect(dot).toContain("KubeVirt VM pods: cirros");
    });

    test("what runs where follows the backend and the spec", () => {
        const c = resolveSpec(devSpec());
        expect(workloadsOn(c, "network", "network").join(" ")).toContain("L3, DHCP, metadata agents");
        expect(workloadsOn(c, "control-plane", "control").join(" ")).not.toContain("Cinder");
        expect(workloadsOn(c, "storage", "storage")).toEqual(["storage role (Ceph disabled)"]);
    });

    test("a spec without a network layout still draws the management and overlay networks", () => {
        const dot = renderDiagramDot(resolveSpec(devSpec()), "bare");
        expect(dot).toContain("Management network (nodes' admin network)");
        expect(dot).toContain("Provider network (none declared)");
        expect(dot).toContain("Overlay network (VXLAN tunnels");
    });

    test("Graphviz renders both stacks to SVG", async () => {
        const viz = await (require("@viz-js/viz") as typeof import("@viz-js/viz")).instance();
        for (const stack of ["dev", "production"]) {
            const svg = viz.renderString(renderDiagramDot(resolveSpec(stackSpec(stack)), stack), { format: "svg" });
            expect(svg).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\s*$/);
            expect(svg).toContain("Internet");
        }
    });
});
