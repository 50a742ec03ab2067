"""Checks oskube's rendered oslo configs with OpenStack's own code.

Two checks per file:
- schema: `oslo-config-validator` with the file's namespaces (namespaces.json). An option or section that the
  release does not know is an error; an option the release has deprecated is reported as a warning.
- values: the file is loaded by oslo.config's ConfigOpts with every option of those namespaces registered, and each
  option written in the file is read back through its real type (bool, int with bounds, choices, lists, `$`
  interpolation). A value the service would refuse at start is an error.

Usage: oslo_check.py DIR...   (directories from render-configs.ts) -> JSON report on stdout, exit 1 on any error.
Values are never printed: the report names sections and options only, since the files hold test passwords.
"""
import copy
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def namespace_table() -> list[dict]:
    with open(os.path.join(HERE, "namespaces.json"), encoding="utf-8") as f:
        return json.load(f)["files"]


def spec_for(filename: str) -> dict | None:
    for entry in namespace_table():
        if re.search(entry["match"], filename):
            return entry
    return None


def run_validator(path: str, namespaces: list[str], exclude_groups: list[str]) -> tuple[list[str], list[str]]:
    """oslo-config-validator's own code (oslo_config.validator._validate), run in this process so that a worker
    imports each service's options once for all its files. Returns (errors, warnings) as the validator words them,
    e.g. `DEFAULT/foo is not part of the sample config`."""
    import logging

    from oslo_config import cfg, validator

    class Capture(logging.Handler):
        def __init__(self):
            super().__init__(level=logging.WARNING)
            self.records: list[logging.LogRecord] = []

        def emit(self, record):
            self.records.append(record)

    conf = cfg.ConfigOpts()
    validator._register_cli_opts(conf)
    argv = ["--input-file", path]
    for ns in namespaces:
        argv += ["--namespace", ns]
    for g in exclude_groups:
        argv += ["--exclude-group", g]
    conf(argv, project="oslo-config-validator")
    handler = Capture()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        rc = validator._validate(conf)
    finally:
        root.removeHandler(handler)
    errors = [r.getMessage() for r in handler.records if r.levelno >= logging.ERROR]
    # Only the validator's own verdicts: the generator also logs at WARNING while it collects options.
    warnings = [r.getMessage() for r in handler.records if r.levelno == logging.WARNING and r.getMessage().startswith("Deprecated opt ")]
    if rc != 0 and not errors and not warnings:
        errors.append("oslo-config-validator returned %d without saying why" % rc)
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


def load_values(path: str, namespaces: list[str], dynamic: dict | None = None) -> tuple[dict, list[str]]:
    """Loads `path` the way a service does and reads every option written in it. Returns ({section: {option:
    value}}, errors). Options that no namespace registers (the auth plugin's username/password, which keystoneauth
    registers only at run time) are read as plain strings, which is how those plugins declare them."""
    from oslo_config import cfg

    conf = cfg.ConfigOpts()
    register_namespaces(conf, namespaces)
    sections = raw_sections(path)
    if dynamic:
        # A backend section takes the template group's options, with their types, as the service registers them.
        template = [copy.deepcopy(o["opt"]) for o in conf._groups[dynamic["validateAs"]]._opts.values()] if dynamic["validateAs"] in conf._groups else []
        for name in dynamic_sections(sections, {"dynamicSections": dynamic}):
            for opt in template:
                opt = copy.deepcopy(opt)
                opt.required = False
                try:
                    conf.register_opt(opt, group=name)
                except cfg.DuplicateOptError:
                    pass
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
    deprecated: list[str] = []
    for section, opts in sections.items():
        for name in opts:
            try:
                v = conf[name] if section == "DEFAULT" else conf[section][name]
                values.setdefault(section, {})[name] = v
                opt = conf._get_opt_info(name, None if section == "DEFAULT" else section)["opt"]
                if getattr(opt, "deprecated_for_removal", False):
                    deprecated.append("%s/%s is deprecated for removal" % (section, name))
            except Exception as e:  # noqa: BLE001 - every failure to read a value is a finding, whatever its type
                errors.append("%s/%s: %s" % (section, name, type(e).__name__ + ": " + _redact(str(e))))
    load_values.deprecated = deprecated  # read by check_entry; load_values' signature stays (values, errors)
    return values, errors


def _redact(msg: str) -> str:
    # oslo's value errors quote the offending value, which may be a password.
    return re.sub(r"'[^']*'", "'…'", msg)


def check_entry(index: int, paths: list[str]) -> dict:
    """Worker: every file of one namespaces.json entry, in this process."""
    spec = namespace_table()[index]
    out = {}
    for path in paths:
        errors, warnings = validate_file(path, spec)
        try:
            _, value_errors = load_values(path, spec["namespaces"], dynamic=spec.get("dynamicSections"))
            # The validator warns about deprecated names only; options kept under their name but deprecated for
            # removal (oslo.policy's enforce_scope in 2026.1) are reported here.
            warnings = warnings + load_values.deprecated
        except Exception as e:  # noqa: BLE001 - a file oslo cannot load at all is the clearest finding of all
            value_errors = ["oslo.config could not load the file: %s: %s" % (type(e).__name__, _redact(str(e)))]
        out[path] = {"namespaces": spec["namespaces"], "errors": errors + value_errors, "warnings": warnings}
    return out


def credentials_in(value) -> list[str]:
    """Passwords inside connection URLs, decoded by the code the services use: SQLAlchemy's URL parser (oslo.db) for
    database connections, oslo.messaging's TransportURL for transport URLs."""
    out: list[str] = []
    if not isinstance(value, str):
        return out
    if value.startswith(("mysql", "postgresql", "sqlite")):
        from sqlalchemy.engine import make_url

        pw = make_url(value).password
        if pw is not None:
            out.append(pw)
    elif value.startswith(("rabbit://", "amqp://", "kafka://")):
        import oslo_messaging
        from oslo_config import cfg

        for host in oslo_messaging.TransportURL.parse(cfg.ConfigOpts(), value).hosts:
            if host.password is not None:
                out.append(host.password)
    return out


def read_back(index: int, paths: list[str]) -> dict:
    """Worker: every option value of each file as oslo.config returns it, plus the URL credentials inside them."""
    spec = namespace_table()[index]
    out = {}
    for path in paths:
        values, errors = load_values(path, spec["namespaces"], dynamic=spec.get("dynamicSections"))
        plain, creds = [], []
        for opts in values.values():
            for v in opts.values():
                items = v if isinstance(v, (list, tuple)) else [v]
                for item in items:
                    if isinstance(item, str):
                        plain.append(item)
                        creds += credentials_in(item)
        out[path] = {"plain": plain, "credentials": creds, "errors": errors}
    return out


def _by_entry(paths: list[str]) -> tuple[dict[int, list[str]], list[str]]:
    by_entry: dict[int, list[str]] = {}
    unknown = []
    table = namespace_table()
    for path in paths:
        name = os.path.basename(path)
        idx = next((i for i, e in enumerate(table) if re.search(e["match"], name)), None)
        if idx is None:
            unknown.append(path)
        else:
            by_entry.setdefault(idx, []).append(path)
    return by_entry, unknown


def read_back_files(paths: list[str]) -> dict:
    """read_back for any files, one worker per namespace set. Holds secrets: never print the result."""
    by_entry, unknown = _by_entry(paths)
    if unknown:
        raise ValueError("no namespaces for %s in scripts/openstack/namespaces.json" % ", ".join(unknown))
    result: dict = {}
    for idx, files in sorted(by_entry.items()):
        p = subprocess.run([sys.executable, os.path.abspath(__file__), "--read-back", str(idx), *files],
                           capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            raise RuntimeError("reading back with oslo.config failed: " + _redact(" | ".join(p.stderr.strip().splitlines()[-3:])))
        result.update(json.loads(p.stdout))
    return result


def check_files(paths: list[str]) -> dict:
    """Checks files, one worker process per namespace set: importing several services' option modules into one
    process collides on the global cfg.CONF (cinder and glance both register DEFAULT/enabled_backends)."""
    report: dict = {}
    by_entry, unknown = _by_entry(paths)
    for path in unknown:
        report[path] = {"errors": ["no namespaces for %s in scripts/openstack/namespaces.json: add the file's oslo-config-generator namespaces" % os.path.basename(path)], "warnings": []}
    for idx, files in sorted(by_entry.items()):
        p = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", str(idx), *files],
                           capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            tail = _redact(" | ".join(p.stderr.strip().splitlines()[-3:]))
            for f in files:
                report[f] = {"errors": ["the oslo check worker failed: " + tail], "warnings": []}
            continue
        report.update(json.loads(p.stdout))
    return report


def config_files(dirs: list[str]) -> list[str]:
    out = []
    for d in dirs:
        for root, _, files in os.walk(d):
            out += [os.path.join(root, f) for f in files if f.endswith((".conf", ".ini"))]
    return sorted(out)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--read-back":
        json.dump(read_back(int(sys.argv[2]), sys.argv[3:]), sys.stdout, default=str)
        sys.exit(0)
    if len(sys.argv) >= 3 and sys.argv[1] == "--worker":
        json.dump(check_entry(int(sys.argv[2]), sys.argv[3:]), sys.stdout)
        sys.exit(0)
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    r = check_files(config_files(sys.argv[1:]))
    json.dump(r, sys.stdout, indent=2)
    sys.stdout.write("\n")
    sys.exit(1 if any(v["errors"] for v in r.values()) else 0)
