/**
 * oslo.config INI files.
 *
 * Why not `ini.stringify`: the npm `ini` package escapes `#` and `;` inside values with a backslash and JSON-quotes
 * values containing `=`. oslo.config's parser reads neither escape, so a password or a URL with those characters
 * would be read wrongly. oslo's own rules are simpler: a comment is a whole line starting with `#` or `;`, one pair of
 * matching outer quotes is stripped, `$name` is interpolated and `$$` is a literal `$`. This writer follows exactly
 * those rules; the unit tier reads its output back with the `ini` parser, and the openstack tier with oslo.config.
 */

export type OsloValue = string | number | boolean | readonly string[];
/** `{ section: { option: value } }`. An `undefined` option is left out. */
export type OsloConfig = Record<string, Record<string, OsloValue | undefined>>;

/** Escapes a value so that oslo.config reads back exactly `value`. */
export function osloValue(value: OsloValue): string {
    let s: string;
    if (typeof value === "boolean") {
        s = value ? "true" : "false";
    } else if (typeof value === "number") {
        if (!Number.isFinite(value)) {
            throw new Error(`oskube: cannot render the number ${value} into an oslo config`);
        }
        s = String(value);
    } else if (Array.isArray(value)) {
        s = value.join(",");
    } else {
        s = value as string;
    }
    if (/[\r\n]/.test(s)) {
        throw new Error(`oskube: oslo config values cannot span lines: ${JSON.stringify(s)}`);
    }
    s = s.replace(/\$/g, "$$$$");
    // oslo strips surrounding whitespace and one pair of matching outer quotes; quote to keep them.
    if (s !== s.trim() || ((s[0] === "\"" || s[0] === "'") && s[0] === s[s.length - 1])) {
        s = `"${s}"`;
    }
    return s;
}

/** Deep-merges `overrides` over `base`: sections merge, options replace. */
export function mergeOslo(base: OsloConfig, overrides: Record<string, Record<string, OsloValue | undefined>> | undefined): OsloConfig {
    const out: OsloConfig = {};
    for (const [section, opts] of Object.entries(base)) {
        out[section] = { ...opts };
    }
    for (const [section, opts] of Object.entries(overrides ?? {})) {
        out[section] = { ...(out[section] ?? {}), ...opts };
    }
    return out;
}

/** Renders an oslo INI file. `DEFAULT` comes first, then the other sections in the order given. */
export function renderOsloIni(conf: OsloConfig): string {
    const sections = Object.keys(conf).sort((a, b) => (a === "DEFAULT" ? -1 : b === "DEFAULT" ? 1 : 0));
    const blocks: string[] = [];
    for (const section of sections) {
        if (!/^[A-Za-z0-9_.:-]+$/.test(section)) {
            throw new Error(`oskube: "${section}" is not a valid oslo section name`);
        }
        const lines = [`[${section}]`];
        for (const [key, value] of Object.entries(conf[section])) {
            if (value === undefined) {
                continue;
            }
            if (!/^[A-Za-z0-9_.-]+$/.test(key)) {
                throw new Error(`oskube: "${key}" in [${section}] is not a valid oslo option name`);
            }
            lines.push(`${key} = ${osloValue(value)}`);
        }
        blocks.push(lines.join("\n"));
    }
    return blocks.join("\n\n") + "\n";
}
