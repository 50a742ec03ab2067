import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { Recorder } from "./harness";

const rec = new Recorder();
import { Cloud, CloudSpec } from "../../components";

function stackSpec(stack: string): CloudSpec {
    const file = path.join(__dirname, "..", "..", "stacks", `Pulumi.${stack}.yaml`);
    return parse(fs.readFileSync(file, "utf8")).config["oskube:spec"];
}

describe("the example stacks build under mocks as the real engine would accept them", () => {
    beforeAll(async () => {
        new Cloud("dev", { spec: stackSpec("dev") }, rec.opts());
        new Cloud("production", { spec: stackSpec("production") }, rec.opts());
        await rec.settle();
    });

    test("no two resources share a type and name (the engine rejects duplicate URNs)", () => {
        expect(rec.resources.length).toBeGreaterThan(300);
        expect(rec.duplicateUrns()).toEqual([]);
    });

    test("no two Kubernetes objects share kind, namespace and name", () => {
        const keys = rec.resources
            .filter((r) => r.type.startsWith("kubernetes:") && !r.type.endsWith("Patch") && r.inputs?.metadata?.name)
            .map((r) => `${r.name.split("-")[0]} ${r.type} ${r.inputs.metadata.namespace ?? ""}/${r.inputs.metadata.name}`);
        expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    });
});
