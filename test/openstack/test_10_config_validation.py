"""Item 2: every oslo config oskube renders, for every spec in specs/, passes oslo-config-validator against 2026.1's
option namespaces, and every value loads through the option's real type."""
import json
import os
import re
from pathlib import Path

import pytest

from conftest import SPEC_NAMES, oslo_report, rendered_specs

FINDINGS = json.loads((Path(__file__).parent / "known_findings.json").read_text())["findings"]


def known(file: str, error: str) -> dict | None:
    return next((f for f in FINDINGS if f["error"] == error and re.search(f["file"], file)), None)


def pytest_generate_tests(metafunc):
    if "config_file" in metafunc.fixturenames:
        params = [(spec, f) for spec, r in rendered_specs().items() for f in sorted(r["index"])]
        metafunc.parametrize("config_file", params, ids=[f"{s}/{f}" for s, f in params])


def test_config_file_passes_oslo_validation(config_file):
    spec, name = config_file
    path = str(rendered_specs()[spec]["dir"] / name)
    result = oslo_report()[path]
    origin = rendered_specs()[spec]["index"][name]
    unexpected = [e for e in result["errors"] if not known(name, e)]
    assert not unexpected, (
        f"{origin['module']} {origin['function']}() renders {name} (spec {spec}) that OpenStack 2026.1 rejects:\n  "
        + "\n  ".join(unexpected)
    )
    deprecated = [w for w in result["warnings"] if not known(name, w)]
    assert not deprecated, f"{origin['module']} {origin['function']}() renders {name} (spec {spec}) with options 2026.1 deprecates:\n  " + "\n  ".join(deprecated)
    expected = [e for e in result["errors"] + result["warnings"] if known(name, e)]
    if expected:
        pytest.xfail("known findings (test/openstack/known_findings.json): " + "; ".join(expected))


def test_known_findings_still_occur():
    """A fixed finding must leave known_findings.json, or the list would hide its regression later."""
    all_errors = [(os.path.basename(p), e) for p, r in oslo_report().items() for e in r["errors"] + r["warnings"]]
    stale = [f for f in FINDINGS if not any(e == f["error"] and re.search(f["file"], n) for n, e in all_errors)]
    assert not stale, "fixed, remove from test/openstack/known_findings.json: " + "; ".join(f["error"] for f in stale)


def test_every_oslo_render_is_checked():
    """Each render function discovered in lib/render renders in at least one spec; one that never can (unknown
    parameters, throws everywhere) would otherwise go unvalidated."""
    rendered = {e["function"] for r in rendered_specs().values() for e in r["index"].values()}
    failures = {}
    for spec, r in rendered_specs().items():
        for u in r["uncovered"]:
            failures.setdefault(u["function"], []).append(f"{spec}: {u['reason']}")
    never = {fn: why for fn, why in failures.items() if fn not in rendered}
    assert not never, "render functions the tier could not call for any spec:\n" + "\n".join(f"  {fn}: {w}" for fn, w in never.items())


@pytest.mark.parametrize("service", ["keystone", "neutron", "ml2", "nova", "placement", "glance", "cinder", "octavia"])
def test_service_config_is_rendered(service):
    """The configs the issue names exist among the renders: a renamed render function must not drop out silently."""
    names = {f for r in rendered_specs().values() for f in r["index"]}
    assert any(n == f"{service}.conf" or n.endswith(f"-{service}.conf") for n in names), f"no {service}.conf among {sorted(names)}"


def test_agent_configs_are_rendered():
    names = {f for r in rendered_specs().values() for f in r["index"]}
    for agent in ("openvswitch_agent", "dhcp_agent", "l3_agent", "metadata_agent", "metering_agent", "ovn_metadata_agent"):
        assert any(agent.replace("_", "-") in n or agent in n for n in names), f"no {agent} config among {sorted(names)}"


def test_validator_rejects_an_unknown_option(tmp_path):
    """The check itself: an option and a section 2026.1 does not have are reported by name."""
    bad = tmp_path / "neutron.conf"
    bad.write_text("[DEFAULT]\ncore_plugin = ml2\nno_such_option = 1\n\n[no_such_section]\nx = y\n")
    errors = oslo_check.check_files([str(bad)])[str(bad)]["errors"]
    assert "DEFAULT/no_such_option is not part of the sample config" in errors
    assert "no_such_section/x is not part of the sample config" in errors


def test_value_check_rejects_a_bad_type(tmp_path):
    bad = tmp_path / "neutron.conf"
    bad.write_text("[DEFAULT]\napi_workers = many\n")
    errors = oslo_check.check_files([str(bad)])[str(bad)]["errors"]
    assert any(e.startswith("DEFAULT/api_workers:") for e in errors), errors


import oslo_check  # noqa: E402  (after conftest put scripts/openstack on sys.path)

assert SPEC_NAMES, "no specs in test/openstack/specs"
