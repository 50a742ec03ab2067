/**
 * The integration tier's environment: the toolchain's bin dir, the sandbox's kubeconfig and a Pulumi file backend.
 * When something is missing the tier fails and says what to run; it never skips.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const REPO = path.resolve(__dirname, "..", "..");

function script(name: string, ...args: string[]): string {
    return execFileSync("bash", [path.join(REPO, "scripts", name), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

export interface TierEnv {
    binDir: string;
    kubeconfig: string;
    stateDir: string;
    env: Record<string, string>;
}

export function prepare(): TierEnv {
    const binDir = script("toolchain.sh", "--print-bin-dir");
    const check = spawnSync("bash", [path.join(REPO, "scripts", "toolchain.sh"), "--check"], { encoding: "utf8" });
    if (check.status !== 0) {
        throw new Error(`integration tier cannot run: the toolchain in ${binDir} is incomplete. Run scripts/toolchain.sh (or npm run up).\n${check.stdout}${check.stderr}`);
    }
    script("sandbox.sh", "up");
    const envLines = script("sandbox.sh", "env");
    const m = /KUBECONFIG=("?)([^"\n]+)\1/.exec(envLines);
    if (!m) {
        throw new Error(`integration tier cannot run: scripts/sandbox.sh env printed no KUBECONFIG:\n${envLines}`);
    }
    const kubeconfig = m[2];
    // The tier owns the sandbox while it runs: a cloud already deployed there (by `npm run up`, say) would share
    // object names with the test stack, so the tier refuses to start rather than adopt or delete someone's objects.
    const leftovers = execFileSync(path.join(binDir, "kubectl"), ["--kubeconfig", kubeconfig, "get", "namespaces", "-l", "app.kubernetes.io/managed-by=oskube", "-o", "name"], { encoding: "utf8" }).trim();
    if (leftovers) {
        throw new Error(`integration tier cannot run: the sandbox already holds an oskube cloud (${leftovers.split("\n").join(", ")}). ` +
            "Destroy that stack (pulumi destroy), or reset the sandbox with `npm run sandbox:down`.");
    }
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "oskube-itest-state-"));
    const env: Record<string, string> = {
        PATH: `${binDir}:${process.env.PATH}`,
        KUBECONFIG: kubeconfig,
        PULUMI_BACKEND_URL: `file://${stateDir}`,
        PULUMI_CONFIG_PASSPHRASE: "oskube-integration-test",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
        PULUMI_HOME: path.join(stateDir, ".pulumi-home"),
    };
    return { binDir, kubeconfig, stateDir, env };
}

export function kubectl(t: TierEnv, ...args: string[]): string {
    return execFileSync(path.join(t.binDir, "kubectl"), ["--kubeconfig", t.kubeconfig, ...args], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}

export function kubectlJson<T = any>(t: TierEnv, ...args: string[]): T {
    return JSON.parse(kubectl(t, ...args, "-o", "json"));
}
