"""Checks oskube's rendered oslo configs with OpenStack's own code.

Two checks per file:
- schema: `oslo-config-validator` with the file's namespaces (namespaces.json). An option or section that the
  release does not know is an error; an option the release has deprecated is reported as a warning.
- values: the file is loaded by oslo.config's ConfigOpts with every option of those namespaces registered, and each
  option written in the file is read back through its real type (bool, int with bounds, choices, lists, `$`
  interpolation). A value the service would refuse at start is an error.

Usage: oslo_check.py DIR   (a directory from render-configs.ts) -> JSON report on stdout, exit 1 on any error.
Values are never printed: the report names sections and options only, since the files hold test passwords.
"""
import copy
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# oslo.config 10.3 logs through the root logger, later releases through oslo_config.validator.
VALIDATOR_LINE = re.compile(r"^(ERROR|WARNING):(?:root|oslo_config\.validator):(.*)$")


def namespace_table() -> list[dict]:
    with open(os.path.join(HERE, "namespaces.json"), encoding="utf-8") as f:
        return json.load(f)["files"]


def spec_for(filename: str) -> dict | None:
    for entry in namespace_table():
        if re.search(entry["match"], filename):
            return entry
    return None


def validator_bin() -> str:
    return os.path.join(os.path.dirname(sys.executable), "oslo-config-validator")


def run_validator(path: str, namespaces: list[str], exclude_groups: list[str]) -> tuple[list[str], list[str]]:
    """Runs oslo-config-validator; returns (errors, warnings) as the validator words them, e.g. `DEFAULT/foo is not
    part of the sample config`."""
    cmd = [validator_bin(), "--input-file", path]
    for ns in namespaces:
        cmd += ["--namespace", ns]
    for g in exclude_groups:
        cmd += ["--exclude-group", g]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    errors, warnings = [], []
    for line in (p.stdout + p.stderr).splitlines():
        m = VALIDATOR_LINE.match(line.strip())
        if m:
            (errors if m.group(1) == "ERROR" else warnings).append(m.group(2))
    if p.returncode != 0 and not errors:
        # The validator failed for a reason of its own (a namespace that does not exist, a crash): that is an error
        # too, and its last lines say why.
        errors.append("oslo-config-validator exited %d: %s" % (p.returncode, " | ".join(p.stderr.strip().splitlines()[-3:])))
    return errors, warnings


def dynamic_sections(sections: dict, spec: dict) -> list[str]:
    """Names of the sections that another option's value creates (cinder's `enabled_backends = rbd1`)."""
    dyn = spec.get("dynamicSections")
    if not dyn:
        return []
    group, _, opt = dyn["listedIn"].partition("/")
    values = sections.get(group, {}).get(opt, [])
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    if dyn.get("nameBeforeColon"):
        names = [n.split(":", 1)[0] for n in names]
    return [n for n in names if n in sections]


def _write_ini(path: str, sections: dict) -> None:
    # Only names matter to the validator; values are dropped so that no password lands in a temporary file.
    with open(path, "w", encoding="utf-8") as f:
        for section, opts in sections.items():
            f.write("[%s]\n" % section)
            for name in opts:
                f.write("%s = x\n" % name)


def validate_file(path: str, spec: dict) -> tuple[list[str], list[str]]:
    """The validator on the file, with each dynamic section checked against its template group."""
    import tempfile

    sections = raw_sections(path)
    dyn = dynamic_sections(sections, spec)
    if not dyn:
        return run_validator(path, spec["namespaces"], spec.get("excludeGroups", []))
    d = spec["dynamicSections"]
    errors, warnings = [], []
    with tempfile.TemporaryDirectory() as tmp:
        main = os.path.join(tmp, "main.conf")
        _write_ini(main, {s: o for s, o in sections.items() if s not in dyn})
        e, w = run_validator(main, spec["namespaces"], spec.get("excludeGroups", []))
        errors += e
        warnings += w
        for name in dyn:
            part = os.path.join(tmp, "%s.conf" % name)
            _write_ini(part, {d["validateAs"]: [o for o in sections[name] if o not in d.get("alsoAllowed", [])]})
            e, w = run_validator(part, spec["namespaces"], [])
            prefix = d["validateAs"] + "/"
            errors += [name + "/" + x[len(prefix):] if x.startswith(prefix) else x for x in e]
            warnings += [name + "/" + x[len(prefix):] if x.startswith(prefix) else x for x in w]
    return errors, warnings


def raw_sections(path: str) -> dict[str, dict[str, list[str]]]:
    """The file as oslo's own INI parser reads it: {section: {option: [raw values]}}, before types and interpolation."""
    from oslo_config import cfg

    sections: dict = {}
    cfg.ConfigParser(path, sections).parse()
    return sections


def register_namespaces(conf, namespaces: list[str]) -> None:
    from oslo_config import cfg, generator

    # oslo.config's own namespace lists --config-file/--config-dir, which ConfigOpts registers itself.
    for _ns, groups in generator._list_opts([n for n in namespaces if n != "oslo.config"]):
        for group, opts in groups:
            name = group.name if isinstance(group, cfg.OptGroup) else group
            for opt in opts:
                opt = copy.deepcopy(opt)
                # Required-ness is the service's start-up check, not a property of what oskube wrote.
                opt.required = False
                try:
                    conf.register_opt(opt, group=None if name in (None, "DEFAULT") else name)
                except cfg.DuplicateOptError:
                    pass


def load_values(path: str, namespaces: list[str]) -> tuple[dict, list[str]]:
    """Loads `path` the way a service does and reads every option written in it. Returns ({section: {option:
    value}}, errors). Options that no namespace registers (the auth plugin's username/password, which keystoneauth
    registers only at run time) are read as plain strings, which is how those plugins declare them."""
    from oslo_config import cfg

    conf = cfg.ConfigOpts()
    register_namespaces(conf, namespaces)
    sections = raw_sections(path)
    for section, opts in sections.items():
        group = None if section == "DEFAULT" else section
        for name in opts:
            try:
                conf._get_opt_info(name, group)
                continue
            except (cfg.NoSuchOptError, cfg.NoSuchGroupError):
                pass
            try:
                conf.register_opt(cfg.StrOpt(name, secret=True), group=group)
            except cfg.DuplicateOptError:
                pass  # registered under another spelling (dashes) with the same dest
    conf(args=[], project="oskube-check", default_config_files=[path], use_env=False)
    values: dict = {}
    errors: list[str] = []
    for section, opts in sections.items():
        for name in opts:
            try:
                v = conf[name] if section == "DEFAULT" else conf[section][name]
                values.setdefault(section, {})[name] = v
            except Exception as e:  # noqa: BLE001 - every failure to read a value is a finding, whatever its type
                errors.append("%s/%s: %s" % (section, name, type(e).__name__ + ": " + _redact(str(e))))
    return values, errors


def _redact(msg: str) -> str:
    # oslo's value errors quote the offending value, which may be a password.
    return re.sub(r"'[^']*'", "'…'", msg)


def load_values_isolated(path: str, namespaces: list[str]) -> list[str]:
    """load_values in a process of its own: importing several services' option modules into one process collides on
    the global cfg.CONF (cinder and glance both register DEFAULT/enabled_backends)."""
    p = subprocess.run([sys.executable, os.path.abspath(__file__), "--values", path, ",".join(namespaces)],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        return ["loading with oslo.config failed: " + _redact(" | ".join(p.stderr.strip().splitlines()[-2:]))]
    return json.loads(p.stdout)["errors"]


def check_dir(d: str) -> dict:
    report: dict = {}
    files = sorted(f for f in os.listdir(d) if f.endswith(".conf"))
    for f in files:
        path = os.path.join(d, f)
        spec = spec_for(f)
        if spec is None:
            report[f] = {"errors": ["no namespaces for %s in scripts/openstack/namespaces.json: add the file's oslo-config-generator namespaces" % f], "warnings": []}
            continue
        errors, warnings = validate_file(path, spec)
        value_errors = load_values_isolated(path, spec["namespaces"])
        report[f] = {"namespaces": spec["namespaces"], "errors": errors + value_errors, "warnings": warnings}
    return report


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--values":
        _, errs = load_values(sys.argv[2], sys.argv[3].split(","))
        json.dump({"errors": errs}, sys.stdout)
        sys.exit(0)
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    r = check_dir(sys.argv[1])
    json.dump(r, sys.stdout, indent=2)
    sys.stdout.write("\n")
    sys.exit(1 if any(v["errors"] for v in r.values()) else 0)
