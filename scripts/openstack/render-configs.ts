/**
 * Renders every oslo config that oskube can render for a spec into a directory, for the openstack tier to check with
 * OpenStack's own code.
 *
 * The renders are discovered, not listed: every exported `render<Name>Conf` / `render<Name>Ini` function of
 * lib/render/*.ts is called, with arguments chosen by parameter name (cloud, infra, wiring, pool, secrets). A render
 * the harness cannot call, or one that throws, is written to `uncovered.json` so the tier fails on it instead of
 * silently validating less than oskube ships. Secrets come from a Proxy that answers any field name, so a new secret
 * field needs no change here.
 *
 *   ts-node scripts/openstack/render-configs.ts --out DIR [--spec spec.json] [--secrets secrets.json] [--local]
 *
 * --spec     a CloudSpec as JSON (default: the tier's own spec, test/openstack/specs/ovs.json)
 * --secrets  JSON `{ "<renderFunction>.<field>": "<value>", "<field>": "<value>", "=": "<default>", "*": "<prefix>" }`:
 *            the most specific key wins; a field without a value gets the default, or else `<prefix><field>`.
 *            Never passed on the command line as values, so nothing sensitive shows in a process list.
 * --local    point the renders at the tier's local services (127.0.0.1 ports, passwords, key dirs) from the env
 *            file of scripts/openstack-env.sh ($OSKUBE_OS_ENV_FILE), through the spec's own configOverrides.
 * Output: DIR/<name>.conf per render (name from the function: renderNovaComputeConf -> nova-compute.conf) and
 * DIR/index.json `{ file: { function, module } }`.
 */
import * as fs from "fs";
import * as path from "path";
import { CloudSpec, resolveSpec } from "../../lib/spec";
import { InfraEndpoints } from "../../lib/render/openstack";

const REPO = path.resolve(__dirname, "../..");
const RENDER_DIR = path.join(REPO, "lib/render");
/** Renders whose output is not an oslo config (libvirt, RabbitMQ, MariaDB formats): left to their own tiers. */
const NOT_OSLO = new Set(["renderLibvirtConf", "renderRabbitAdminConf", "renderRabbitConf", "renderMariadbConf", "renderGaleraConf", "renderMyCnf"]);
const RENDER_NAME = /^render([A-Z]\w*?)(Conf|Ini)$/;
/** Renders of several files at once, `{ fileName: text }`, e.g. renderAgentFiles. */
const RENDER_FILES = /^render([A-Z]\w*?)Files$/;

interface Args { out: string; spec?: string; secrets?: string; local: boolean }

function parseArgs(argv: string[]): Args {
    const a: Args = { out: "", local: false };
    for (let i = 0; i < argv.length; i++) {
        const k = argv[i];
        if (k === "--out") a.out = argv[++i];
        else if (k === "--spec") a.spec = argv[++i];
        else if (k === "--secrets") a.secrets = argv[++i];
        else if (k === "--local") a.local = true;
        else throw new Error(`unknown argument ${k}`);
    }
    if (!a.out) throw new Error("--out DIR is required");
    return a;
}

/** The env file of scripts/openstack-env.sh: `export K=V` lines quoted by bash's printf %q. */
function readEnvFile(file: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line);
        if (m) out[m[1]] = unquoteBash(m[2]);
    }
    return out;
}

function unquoteBash(s: string): string {
    let out = "";
    for (let i = 0; i < s.length; i++) {
        if (s[i] === "\\" && i + 1 < s.length) out += s[++i];
        else if (s[i] === "'") { const j = s.indexOf("'", i + 1); out += s.slice(i + 1, j); i = j; }
        else out += s[i];
    }
    return out;
}

function kebab(name: string): string {
    return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

function paramNames(fn: Function): string[] {
    const src = fn.toString();
    const m = /^[^(]*\(([^)]*)\)/.exec(src);
    if (!m) return [];
    return m[1].split(",").map((p) => p.replace(/=.*$/, "").trim()).filter((p) => p.length > 0);
}

/**
 * Answers any secret field: `<function>.<field>`, then `<field>`, then the default, then `<prefix><field>`. Every
 * field read is recorded in `used`, so the round-trip test knows which secrets each file must carry.
 */
function secretsProxy(values: Record<string, string>, fn: string, used: Record<string, string>): Record<string, string> {
    return new Proxy({}, {
        get: (_t, prop) => {
            if (typeof prop !== "string") return undefined;
            const v = values[`${fn}.${prop}`] ?? values[prop] ?? values["="] ?? `${values["*"] ?? "test-secret-"}${prop}`;
            used[prop] = v;
            return v;
        },
        has: () => true,
    }) as Record<string, string>;
}

/** Local-mode overrides: what a Kubernetes cluster provides by DNS and mounts, the tier provides on 127.0.0.1. */
function localise(spec: CloudSpec, env: Record<string, string>, stateDir: string): CloudSpec {
    const keystone = env.OS_AUTH_URL;
    const authOverrides = { www_authenticate_uri: keystone, auth_url: keystone };
    const s: CloudSpec = JSON.parse(JSON.stringify(spec));
    s.services = s.services ?? {};
    const withOverrides = (svc: keyof NonNullable<CloudSpec["services"]>, o: Record<string, Record<string, string>>) => {
        const cur = (s.services![svc] ?? {}) as { configOverrides?: Record<string, Record<string, unknown>> };
        const merged: Record<string, Record<string, unknown>> = { ...(cur.configOverrides ?? {}) };
        for (const [sec, opts] of Object.entries(o)) merged[sec] = { ...(merged[sec] ?? {}), ...opts };
        (s.services as Record<string, unknown>)[svc] = { ...cur, configOverrides: merged };
    };
    withOverrides("keystone", {
        cache: { enabled: "false" },
        fernet_tokens: { key_repository: path.join(stateDir, "keystone/fernet-keys") },
        credential: { key_repository: path.join(stateDir, "keystone/credential-keys") },
    });
    // Only the services the tier boots: an override on a service the spec leaves out would switch it on.
    withOverrides("neutron", {
        keystone_authtoken: authOverrides,
        nova: { auth_url: keystone },
        oslo_concurrency: { lock_path: path.join(env.OSKUBE_OS_RUN_DIR, "neutron-locks") },
    });
    return s;
}

function main(): void {
    const args = parseArgs(process.argv.slice(2));
    const specFile = args.spec ?? path.join(REPO, "test/openstack/specs/ovs.json");
    let spec = JSON.parse(fs.readFileSync(specFile, "utf8")) as CloudSpec;
    let infra: InfraEndpoints = {
        database: { host: "mariadb.openstack.svc.cluster.local", port: 3306 },
        messaging: { hosts: ["rabbitmq-0.rabbitmq.openstack.svc.cluster.local"], port: 5672 },
        memcached: ["memcached.openstack.svc.cluster.local:11211"],
    };
    let secretValues: Record<string, string> = args.secrets ? JSON.parse(fs.readFileSync(args.secrets, "utf8")) : {};
    if (args.local) {
        const envFile = process.env.OSKUBE_OS_ENV_FILE;
        const stateDir = process.env.OSKUBE_OS_STATE_DIR;
        if (!envFile || !stateDir) throw new Error("--local needs OSKUBE_OS_ENV_FILE and OSKUBE_OS_STATE_DIR (set by scripts/openstack-env.sh)");
        const env = readEnvFile(envFile);
        spec = localise(spec, env, stateDir);
        infra = {
            database: { host: env.OSKUBE_OS_HOST, port: Number(env.OSKUBE_OS_DB_PORT) },
            messaging: { hosts: [env.OSKUBE_OS_HOST], port: Number(env.OSKUBE_OS_AMQP_PORT) },
            memcached: [],
        };
        // Each service's database user, queue user and Keystone user share one generated password per kind.
        secretValues = {
            "=": env.OSKUBE_OS_SERVICE_PASSWORD,
            dbPassword: env.OSKUBE_OS_DB_PASSWORD,
            // keystone-manage db_sync hands the connection URL to alembic's ConfigParser unescaped, so a
            // percent-encoded password breaks it (see docs/openstack-tier.md); Keystone's gets a URL-safe one.
            "renderKeystoneConf.dbPassword": env.OSKUBE_OS_KEYSTONE_DB_PASSWORD,
            rabbitPassword: env.OSKUBE_OS_RABBIT_PASSWORD,
            mqPassword: env.OSKUBE_OS_RABBIT_PASSWORD,
            keystonePassword: env.OSKUBE_OS_SERVICE_PASSWORD,
            ...secretValues,
        };
    }
    const cloud = resolveSpec(spec);
    const pool = cloud.compute.pools[0];
    const wiring = { neutronUrl: `http://${args.local ? "127.0.0.1" : "neutron-server.openstack.svc.cluster.local"}:9696` };
    // Arguments by parameter name. `o` is an options bag whose defaults are what a deployment uses; `mode` is the L3
    // agent mode the spec resolves to; `s`/`secrets` and a lone `secret` string come from the secrets proxy.
    const argFor: Record<string, unknown> = {
        cloud, infra, wiring, pool, o: {}, options: {}, mode: cloud.networking.neutron.l3AgentMode,
        s: undefined, secrets: undefined, secret: undefined,
    };

    fs.mkdirSync(args.out, { recursive: true });
    const index: Record<string, { function: string; module: string; secrets: string[] }> = {};
    const uncovered: { function: string; module: string; reason: string }[] = [];
    const modules = fs.readdirSync(RENDER_DIR).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).sort();
    for (const file of modules) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(path.join(RENDER_DIR, file)) as Record<string, unknown>;
        for (const [name, fn] of Object.entries(mod)) {
            const m = RENDER_NAME.exec(name) ?? RENDER_FILES.exec(name);
            if (!m || typeof fn !== "function" || NOT_OSLO.has(name) || name === "renderOsloIni") continue;
            const many = RENDER_FILES.test(name);
            const params = paramNames(fn);
            const missing = params.filter((p) => !(p in argFor));
            if (missing.length > 0) {
                uncovered.push({ function: name, module: file, reason: `no value for parameter(s) ${missing.join(", ")}` });
                continue;
            }
            if (params.includes("pool") && !pool) {
                uncovered.push({ function: name, module: file, reason: "the spec has no compute pool" });
                continue;
            }
            const used: Record<string, string> = {};
            const proxy = secretsProxy(secretValues, name, used);
            const callArgs = params.map((p) => (p === "s" || p === "secrets" ? proxy : p === "secret" ? proxy.secret : argFor[p]));
            let out: unknown;
            try {
                out = (fn as (...a: unknown[]) => unknown)(...callArgs);
            } catch (e) {
                uncovered.push({ function: name, module: file, reason: `threw: ${(e as Error).message}` });
                continue;
            }
            const outputs: Record<string, unknown> = many && typeof out === "object" && out !== null
                ? Object.fromEntries(Object.entries(out).map(([k, v]) => [`${kebab(m[1])}--${k}`, v]))
                : { [`${kebab(m[1])}.conf`]: out };
            for (const [outName, text] of Object.entries(outputs)) {
                if (typeof text !== "string") {
                    uncovered.push({ function: name, module: file, reason: `returned ${typeof text} for ${outName}, not the file's text` });
                    continue;
                }
                if (!/^\s*(#.*\n|;.*\n|\s*\n)*\[/.test(text)) continue; // not INI (a script, JSON): not an oslo file
                fs.writeFileSync(path.join(args.out, outName), text, { mode: 0o600 });
                // Field names only: the values are the caller's, and index.json must hold no secret.
                index[outName] = { function: name, module: file, secrets: Object.keys(used).sort() };
            }
        }
    }
    fs.writeFileSync(path.join(args.out, "index.json"), JSON.stringify(index, null, 2) + "\n");
    fs.writeFileSync(path.join(args.out, "uncovered.json"), JSON.stringify(uncovered, null, 2) + "\n");
    process.stdout.write(`rendered ${Object.keys(index).join(", ")} into ${args.out}${uncovered.length ? `; uncovered: ${uncovered.map((u) => u.function).join(", ")}` : ""}\n`);
}

main();
