/**
 * Draws a stack's cloud as an SVG, like the network-layout figure of the article: node pools and what runs on each,
 * the management, provider and tenant networks and their routers.
 * Usage: npm run diagram -- [stack] [out.svg]   (default: dev, out/diagram-<stack>.svg)
 * Graphviz runs as WebAssembly (@viz-js/viz), so nothing needs to be installed on the machine.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { renderDiagramDot } from "../lib/render/diagram";
import { CloudSpec, resolveSpec } from "../lib/spec";

async function main(): Promise<void> {
    const stack = process.argv[2] ?? "dev";
    const file = path.join(__dirname, "..", "stacks", `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`no stack config ${file}`);
    }
    const spec = (parse(fs.readFileSync(file, "utf8")).config ?? {})["oskube:spec"] as CloudSpec | undefined;
    if (!spec) {
        throw new Error(`${file} has no oskube:spec`);
    }
    const dot = renderDiagramDot(resolveSpec(spec), stack);
    const out = process.argv[3] ?? path.join(__dirname, "..", "out", `diagram-${stack}.svg`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const viz = await (require("@viz-js/viz") as typeof import("@viz-js/viz")).instance();
    fs.writeFileSync(out, viz.renderString(dot, { format: "svg", engine: "dot" }));
    fs.writeFileSync(out.replace(/\.svg$/, ".dot"), dot);
    console.log(`wrote ${out}`);
}

main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
