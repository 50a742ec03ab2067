/**
 * The integration tier: the dev stack through the real Pulumi engine, the real Kubernetes and random providers and
 * a real kube-apiserver with kwok nodes. Steps run in order and share one stack; each step's duration is printed.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { parse, stringify } from "yaml";
import { CloudSpec } from "../../lib/spec";
import { REPO, TierEnv, kubectl, kubectlJson, prepare } from "./env";

const STACK = `itest${process.pid}`;
const CONFIG_FILE = path.join(REPO, "stacks", `Pulumi.${STACK}.yaml`);
const DEV_SPEC: CloudSpec = parse(fs.readFileSync(path.join(REPO, "stacks", "Pulumi.dev.yaml"), "utf8")).config["oskube:spec"];
const OSKUBE = "app.kubernetes.io/managed-by=oskube";

let t: TierEnv;
let stack: Stack;
const timings: Record<string, number> = {};

async function timed<T>(name: string, f: () => Promise<T>): Promise<T> {
    const start = Date.now();
    try {
        return await f();
    } finally {
        timings[name] = (Date.now() - start) / 1000;
        console.log(`[integration] ${name}: ${timings[name].toFixed(1)} s`);
    }
}

/** Writes the stack's spec, keeping the encryption salt Pulumi added. */
function writeSpec(spec: CloudSpec): void {
    const existing = fs.existsSync(CONFIG_FILE) ? parse(fs.readFileSync(CONFIG_FILE, "utf8")) : {};
    fs.writeFileSync(CONFIG_FILE, stringify({ ...existing, config: { "oskube:spec": spec } }));
}

function devSpec(): CloudSpec {
    return JSON.parse(JSON.stringify(DEV_SPEC));
}

interface Op {
    op: string;
    type: string;
    name: string;
}

/** Collects the engine's planned steps (type and name of each resource and what happens to it). */
function opsCollector(): { ops: Op[]; onEvent: (e: any) => void } {
    const ops: Op[] = [];
    return {
        ops,
        onEvent: (e: any) => {
            const m = e.resourcePreEvent?.metadata;
            if (m && m.type !== "pulumi:pulumi:Stack" && !m.type.startsWith("pulumi:providers:")) {
                ops.push({ op: m.op, type: m.type, name: m.urn.split("::").pop() });
            }
        },
    };
}

/** Every oskube-managed object in the cluster, as kind/namespace/name. */
function liveObjects(): string[] {
    const kinds = ["deployments", "statefulsets", "daemonsets", "jobs", "cronjobs", "services", "configmaps", "secrets",
        "poddisruptionbudgets", "serviceaccounts", "roles", "rolebindings", "clusterroles", "clusterrolebindings", "storageclasses",
        "cephclusters.ceph.rook.io", "cephblockpools.ceph.rook.io", "cephclients.ceph.rook.io", "virtualmachines.kubevirt.io"].join(",");
    const list = kubectlJson(t, "get", kinds, "-A", "-l", OSKUBE);
    return list.items.map((o: any) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort();
}

function nodeLabels(): Record<string, Record<string, string>> {
    const nodes = kubectlJson(t, "get", "nodes");
    return Object.fromEntries(nodes.items.map((n: any) => [n.metadata.name, n.metadata.labels ?? {}]));
}

beforeAll(async () => {
    t = await timed("prepare (toolchain check + sandbox up)", async () => prepare());
    writeSpec(devSpec());
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(t.binDir), skipVersionCheck: true });
    stack = await LocalWorkspace.createOrSelectStack({ stackName: STACK, workDir: REPO }, { envVars: t.env, pulumiCommand });
});

afterAll(async () => {
    console.log(`[integration] timings (s): ${JSON.stringify(timings)}`);
    if (stack) {
        await stack.workspace.removeStack(STACK, { force: true }).catch(() => undefined);
    }
    fs.rmSync(CONFIG_FILE, { force: true });
});

describe("dev stack lifecycle on the sandbox", () => {
    test("preview lists the expected creates", async () => {
        const c = opsCollector();
        const res = await timed("preview (fresh)", () => stack.preview({ onEvent: c.onEvent }));
        expect(c.ops.every((o) => o.op === "create")).toBe(true);
        const count = (type: string) => c.ops.filter((o) => o.type === type).length;
        expect(count("kubernetes:core/v1:NodePatch")).toBe(5);
        expect(count("oskube:index:Cloud")).toBe(1);
        expect(count("oskube:index:Keystone")).toBe(1);
        expect(count("kubernetes:core/v1:Namespace")).toBe(2);
        expect(count("kubernetes:apps/v1:StatefulSet")).toBeGreaterThanOrEqual(3);
        // The summary also counts the stack resource itself.
        expect(res.changeSummary.create).toBe(c.ops.length + 1);
    });

    test("up succeeds, and the real scheduler places every pod on its role", async () => {
        const res = await timed("up (fresh)", () => stack.up({ onOutput: () => undefined }));
        expect(res.summary.result).toBe("succeeded");
        const labels = nodeLabels();
        expect(labels["dev-network-0"]["openstack-network-node"]).toBe("enabled");
        expect(labels["dev-compute-0"]["openvswitch"]).toBe("enabled");
        const pods = kubectlJson(t, "get", "pods", "-A", "-l", OSKUBE).items;
        expect(pods.length).toBeGreaterThan(5);
        const roleOf = (node: string) => Object.keys(labels[node]).filter((k) => labels[node][k] === "enabled");
        for (const pod of pods) {
            const node: string = pod.spec.nodeName;
            expect(node).toBeTruthy();
            const roles = roleOf(node);
            const where = `${pod.metadata.namespace}/${pod.metadata.name} on ${node} (${roles.join(",")})`;
            const ns = pod.metadata.namespace;
            const component: string = pod.metadata.labels["app.kubernetes.io/component"] ?? "";
            const name: string = pod.metadata.labels["app.kubernetes.io/name"] ?? "";
            if (ns === "openstack") {
                expect({ where, ok: roles.includes("openstack-control-plane") }).toEqual({ where, ok: true });
            } else if (/(l3|dhcp|metadata|metering)-agent/.test(component)) {
                expect({ where, ok: roles.includes("openstack-network-node") }).toEqual({ where, ok: true });
            } else if (name === "openvswitch" || /ovs-agent|openvswitch-agent/.test(component)) {
                expect({ where, ok: roles.includes("openvswitch") }).toEqual({ where, ok: true });
            } else if (/nova-compute|libvirt/.test(`${name}-${component}`)) {
                expect({ where, ok: roles.includes("openstack-compute-node") }).toEqual({ where, ok: true });
            }
        }
        const dataPlane = pods.filter((p: any) => p.spec.containers.some((c: any) => c.securityContext?.privileged));
        for (const p of dataPlane) {
            expect(p.metadata.namespace).toBe("openstack-dataplane");
        }
    });

    test("a second preview reports no changes", async () => {
        const res = await timed("preview (no change)", () => stack.preview({ expectNoChanges: true }));
        expect(res.changeSummary.create ?? 0).toBe(0);
        expect(res.changeSummary.update ?? 0).toBe(0);
    });

    test("adding a compute node previews as exactly one new NodePatch (plus per-node data)", async () => {
        const node = kubectlJson(t, "get", "node", "dev-compute-1");
        const copy = { apiVersion: "v1", kind: "Node", metadata: { name: "dev-compute-2", annotations: node.metadata.annotations, labels: { "kubernetes.io/hostname": "dev-compute-2", type: "kwok" } }, spec: { taints: node.spec.taints?.filter((x: any) => !x.key.startsWith("openstack")) }, status: node.status };
        const file = path.join(t.stateDir, "node.json");
        fs.writeFileSync(file, JSON.stringify(copy));
        kubectl(t, "apply", "-f", file);
        const spec = devSpec();
        spec.nodePools.find((p) => p.name === "compute")!.nodes.push({ name: "dev-compute-2" });
        writeSpec(spec);
        const c = opsCollector();
        await timed("preview (add compute node)", () => stack.preview({ onEvent: c.onEvent, diff: true }));
        const changed = c.ops.filter((o) => o.op !== "same");
        expect(changed.filter((o) => o.op === "create")).toEqual([{ op: "create", type: "kubernetes:core/v1:NodePatch", name: `${STACK}-pool-compute-dev-compute-2` }]);
        // The only other changes: the per-node data ConfigMaps of the data plane, and the DaemonSets that read them.
        for (const o of changed.filter((x) => x.op !== "create")) {
            const perNodeData = o.type === "kubernetes:core/v1:ConfigMap" && /-nodes$/.test(o.name) && /^(create-replacement|delete-replaced|replace|update)$/.test(o.op);
            const daemonSetRoll = o.type === "kubernetes:apps/v1:DaemonSet" && o.op === "update";
            expect({ o, expected: perNodeData || daemonSetRoll }).toEqual({ o, expected: true });
        }
        const up = await timed("up (add compute node)", () => stack.up({ onOutput: () => undefined }));
        expect(up.summary.result).toBe("succeeded");
        expect(nodeLabels()["dev-compute-2"]["openstack-compute-node"]).toBe("enabled");
    });

    test("changing a Keystone option updates its config Secret and rolls the API through the config hash", async () => {
        const spec = devSpec();
        spec.nodePools.find((p) => p.name === "compute")!.nodes.push({ name: "dev-compute-2" });
        spec.services = { ...(spec.services ?? {}), keystone: { configOverrides: { DEFAULT: { debug: "true" } } } };
        writeSpec(spec);
        const before = kubectlJson(t, "get", "deployment", "-n", "openstack", "keystone-api").spec.template.metadata.annotations["oskube.io/config-hash"];
        const c = opsCollector();
        await timed("preview (option change)", () => stack.preview({ onEvent: c.onEvent }));
        const changed = c.ops.filter((o) => o.op !== "same").map((o) => `${o.op} ${o.type} ${o.name}`).sort();
        // The config Secret changes (the Kubernetes provider replaces a Secret whose data changes), the API rolls
        // through its config hash, and the Jobs that read the config run again. Nothing outside Keystone changes.
        expect(changed).toEqual(expect.arrayContaining([`update kubernetes:apps/v1:Deployment ${STACK}-keystone-keystone-api`]));
        expect(changed.some((ch) => ch.endsWith(`kubernetes:core/v1:Secret ${STACK}-keystone-etc`))).toBe(true);
        for (const ch of changed) {
            expect(ch).toMatch(new RegExp(`^(update|replace|create-replacement|delete-replaced) \\S+ ${STACK}-keystone-`));
        }
        await timed("up (option change)", () => stack.up({ onOutput: () => undefined }));
        const after = kubectlJson(t, "get", "deployment", "-n", "openstack", "keystone-api").spec.template.metadata.annotations["oskube.io/config-hash"];
        expect(after).not.toBe(before);
    });

    test("changing a Neutron option updates neutron.conf and rolls the Neutron server, and nothing else", async () => {
        const spec = devSpec();
        spec.nodePools.find((p) => p.name === "compute")!.nodes.push({ name: "dev-compute-2" });
        spec.services = { ...(spec.services ?? {}), keystone: { configOverrides: { DEFAULT: { debug: "true" } } } };
        spec.services.neutron = { ...(spec.services.neutron ?? {}), configOverrides: { DEFAULT: { debug: "true" } } };
        writeSpec(spec);
        const c = opsCollector();
        await timed("preview (neutron option change)", () => stack.preview({ onEvent: c.onEvent }));
        const changed = c.ops.filter((o) => o.op !== "same").map((o) => `${o.op} ${o.type} ${o.name}`).sort();
        expect(changed).toEqual(expect.arrayContaining([`update kubernetes:apps/v1:Deployment ${STACK}-neutron-neutron-server`]));
        expect(changed.some((ch) => ch.endsWith(`kubernetes:core/v1:Secret ${STACK}-neutron-etc`))).toBe(true);
        for (const ch of changed) {
            expect(ch).toMatch(new RegExp(`^(update|replace|create-replacement|delete-replaced) \\S+ ${STACK}-neutron-`));
        }
        const up = await timed("up (neutron option change)", () => stack.up({ onOutput: () => undefined }));
        expect(up.summary.result).toBe("succeeded");
        await stack.preview({ expectNoChanges: true });
    });

    test("drift: a deleted ConfigMap and a scaled Deployment are seen by refresh and repaired by up", async () => {
        kubectl(t, "delete", "configmap", "-n", "openstack", "mariadb-config");
        kubectl(t, "scale", "deployment", "-n", "openstack", "keystone-api", "--replicas=3");
        const refresh = await timed("refresh (drift)", () => stack.refresh({ onOutput: () => undefined }));
        expect(refresh.summary.resourceChanges?.delete ?? 0).toBeGreaterThanOrEqual(1);
        expect(refresh.summary.resourceChanges?.update ?? 0).toBeGreaterThanOrEqual(1);
        const up = await timed("up (repair drift)", () => stack.up({ onOutput: () => undefined }));
        expect(up.summary.resourceChanges?.create ?? 0).toBeGreaterThanOrEqual(1);
        expect(kubectl(t, "get", "configmap", "-n", "openstack", "mariadb-config", "-o", "name").trim()).toBe("configmap/mariadb-config");
        expect(kubectlJson(t, "get", "deployment", "-n", "openstack", "keystone-api").spec.replicas).toBe(1);
        await stack.preview({ expectNoChanges: true });
    });

    test("secrets: no generated password appears in the exported state or in any ConfigMap", async () => {
        const secrets = kubectlJson(t, "get", "secrets", "-A", "-l", OSKUBE).items;
        const values = new Set<string>();
        for (const s of secrets) {
            for (const v of Object.values<string>(s.data ?? {})) {
                const plain = Buffer.from(v, "base64").toString("utf8");
                for (const m of plain.match(/[A-Za-z0-9]{32}/g) ?? []) {
                    values.add(m);
                }
            }
        }
        expect(values.size).toBeGreaterThan(5);
        // The CLI's own export, without --show-secrets (the Automation API's exportStack decrypts).
        const state = execFileSync(path.join(t.binDir, "pulumi"), ["stack", "export", "--stack", STACK], { cwd: REPO, env: { ...process.env, ...t.env }, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
        const configMaps = JSON.stringify(kubectlJson(t, "get", "configmaps", "-A").items.map((c: any) => c.data));
        const leaks = [...values].filter((v) => state.includes(v) || configMaps.includes(v));
        expect(leaks.length).toBe(0);
        expect(state).toContain("ciphertext");
    });

    test("kill -9 of the engine during up, then recovery converges with no duplicates or orphans", async () => {
        await timed("destroy (before kill test)", () => stack.destroy({ onOutput: () => undefined }));
        const child: ChildProcess = spawn(path.join(t.binDir, "pulumi"), ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", STACK], {
            cwd: REPO, env: { ...process.env, ...t.env }, detached: true, stdio: "ignore",
        });
        const deadline = Date.now() + 5 * 60 * 1000;
        while (liveObjects().length < 8 && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 500));
        }
        process.kill(-child.pid!, "SIGKILL");
        await new Promise((r) => child.once("exit", r));
        const partial = liveObjects().length;
        expect(partial).toBeGreaterThanOrEqual(8);
        // The documented recovery after a crash: release the lock, drop pending creates, then up again.
        await stack.cancel().catch(() => undefined);
        await timed("refresh --clear-pending-creates", () => stack.refresh({ clearPendingCreates: true, onOutput: () => undefined }));
        const up = await timed("up (after kill -9)", () => stack.up({ onOutput: () => undefined }));
        expect(up.summary.result).toBe("succeeded");
        await stack.preview({ expectNoChanges: true });
        const state = await stack.exportStack();
        const inState = new Set<string>(state.deployment.resources
            .filter((r: any) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:core/v1:NodePatch" && r.type !== "kubernetes:core/v1:Namespace" && r.outputs?.metadata?.labels?.["app.kubernetes.io/managed-by"] === "oskube")
            .map((r: any) => `${r.outputs.kind}/${r.outputs.metadata.namespace}/${r.outputs.metadata.name}`));
        const live = liveObjects().filter((o) => !o.startsWith("Pod/"));
        expect(live.filter((o) => !inState.has(o))).toEqual([]);
        expect([...inState].filter((o) => !live.includes(o))).toEqual([]);
    });

    test("destroy leaves no oskube objects, namespaces or node labels behind", async () => {
        const res = await timed("destroy", () => stack.destroy({ onOutput: () => undefined }));
        expect(res.summary.result).toBe("succeeded");
        expect(liveObjects()).toEqual([]);
        const namespaces = kubectlJson(t, "get", "namespaces").items.map((n: any) => n.metadata.name);
        expect(namespaces).not.toContain("openstack");
        expect(namespaces).not.toContain("openstack-dataplane");
        for (const [node, labels] of Object.entries(nodeLabels())) {
            const left = Object.keys(labels).filter((k) => k.startsWith("openstack-") || k === "openvswitch" || k === "oskube.io/node-pool");
            expect({ node, left }).toEqual({ node, left: [] });
        }
        kubectl(t, "delete", "node", "dev-compute-2", "--ignore-not-found");
    });
});
