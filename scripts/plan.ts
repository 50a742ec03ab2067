/**
 * Prints the resources a stack would create, without a cluster: the stack program runs under Pulumi's mocks.
 * Usage: npm run plan -- [stack]   (default: dev). This is NOT `pulumi preview`: nothing is diffed against a cluster.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

const stack = process.argv[2] ?? "dev";
const file = path.join(__dirname, "..", "stacks", `Pulumi.${stack}.yaml`);
if (!fs.existsSync(file)) {
    console.error(`no stack config ${file}`);
    process.exit(2);
}
const config = parse(fs.readFileSync(file, "utf8")).config ?? {};
const counts = new Map<string, number>();
const placement = new Map<string, string>();
pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])));
pulumi.runtime.setMocks({
    newResource(args) {
        counts.set(args.type, (counts.get(args.type) ?? 0) + 1);
        const pod = args.inputs?.spec?.template?.spec;
        if (pod?.nodeSelector && args.inputs?.metadata?.name) {
            const sel = Object.entries(pod.nodeSelector).filter(([k]) => k !== "kubernetes.io/os").map(([k, v]) => `${k}=${v}`).join(",");
            placement.set(`${args.inputs.metadata.namespace}/${args.inputs.metadata.name} (${args.type.split(":").pop()})`, sel);
        }
        return { id: `${args.name}-id`, state: { ...args.inputs, result: "mock", base64: "bW9jaw==" } };
    },
    call: (args) => args.inputs,
}, "oskube", stack, true);

process.on("beforeExit", () => {
    if (counts.size === 0) {
        return;
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    console.log(`Planned resources for stack "${stack}" (under mocks, not a preview against a cluster): ${total}`);
    for (const [t, n] of [...counts.entries()].sort()) {
        console.log(`  ${String(n).padStart(4)}  ${t}`);
    }
    console.log("Placement (workload -> node selector):");
    for (const [w, sel] of [...placement.entries()].sort()) {
        console.log(`  ${w.padEnd(70)} ${sel}`);
    }
    counts.clear();
});

try {
    require("../stacks/index");
} catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
}
