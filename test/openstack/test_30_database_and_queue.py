"""Item 2, URLs: oskube percent-encodes credentials in connection and transport URLs; oslo reads the URL raw, and
SQLAlchemy (oslo.db) and oslo.messaging decode it. Checked against the real MariaDB and RabbitMQ with passwords
containing every URL-reserved character (the tier's generated passwords, see gen_password in openstack-env.sh)."""
import subprocess
import sys

import pytest

from conftest import HELPERS, ROOT, render


@pytest.fixture(scope="module")
def local_neutron_conf(openstack_env, tmp_path_factory):
    import oslo_check

    d = tmp_path_factory.mktemp("local")
    render(d, "ovs", local=True)
    py = sys.executable
    subprocess.run([py, str(HELPERS / "dbctl.py"), "ensure", "neutron", "OSKUBE_OS_DB_PASSWORD"], check=True, capture_output=True)
    values = oslo_check.read_back_files([str(d / "neutron.conf")])[str(d / "neutron.conf")]
    return d / "neutron.conf", values


def _option(path, group, name):
    from oslo_config import cfg

    conf = cfg.ConfigOpts()
    conf.register_opt(cfg.StrOpt(name, secret=True), group=group)
    conf(args=[], default_config_files=[str(path)], use_env=False)
    return conf[group][name] if group else conf[name]


def test_generated_password_needs_url_encoding(openstack_env):
    """The test below means something only if the password really has the characters that break naive URLs."""
    pw = openstack_env["OSKUBE_OS_DB_PASSWORD"]
    missing = [c for c in "@:/?#%" if c not in pw]
    assert not missing, f"the tier's database password lacks {missing}: regenerate the env file"


def test_database_url_authenticates_against_mariadb(local_neutron_conf):
    from oslo_db.sqlalchemy import engines
    from sqlalchemy import text

    path, _ = local_neutron_conf
    engine = engines.create_engine(_option(path, "database", "connection"), max_retries=0)
    with engine.connect() as c:
        user = c.execute(text("SELECT CURRENT_USER()")).scalar()
    assert user.split("@")[0] == "neutron"


def test_wrong_database_password_is_refused(local_neutron_conf):
    """The check above can fail: the same URL with the password's last character dropped is refused."""
    from oslo_db.sqlalchemy import engines
    from sqlalchemy.engine import make_url

    path, _ = local_neutron_conf
    url = make_url(_option(path, "database", "connection"))
    bad = url.set(password=url.password[:-1])
    with pytest.raises(Exception) as e:
        engines.create_engine(bad.render_as_string(hide_password=False), max_retries=0).connect()
    assert "Access denied" in str(e.value)


def _cast(path, url_override=None):
    import oslo_messaging
    from oslo_config import cfg

    # The global CONF, as in the services: oslo.messaging registers its metrics options only there.
    conf = cfg.CONF
    if not conf._args:
        conf(args=[], default_config_files=[])
    url = url_override or _option(path, None, "transport_url")
    transport = oslo_messaging.get_rpc_transport(conf, url=url)
    try:
        client = oslo_messaging.get_rpc_client(transport, oslo_messaging.Target(topic="oskube-tier-probe"))
        client.prepare(retry=0).cast({}, "ping")
    finally:
        transport.cleanup()


def test_transport_url_authenticates_against_rabbitmq(local_neutron_conf):
    path, _ = local_neutron_conf
    try:
        _cast(path)
    except Exception as e:  # noqa: BLE001 - the message may quote the URL, and with it the password
        pytest.fail(f"an RPC cast on oskube's transport_url failed: {type(e).__name__}", pytrace=False)


def test_generated_rabbit_password_needs_url_encoding(openstack_env):
    pw = openstack_env["OSKUBE_OS_RABBIT_PASSWORD"]
    missing = [c for c in "@:?#%" if c not in pw]
    assert not missing, f"the tier's RabbitMQ password lacks {missing}: regenerate the env file"


def test_slash_in_rabbit_password(local_neutron_conf):
    """Finding (oslo.messaging 17, not oskube): impl_rabbit rebuilds the URL for kombu with urllib.parse.quote(),
    whose default keeps `/`, so kombu cannot parse a password with `/` in it. oskube's generated passwords have none;
    a user-supplied one would fail only at the first RPC."""
    import oslo_messaging

    path, _ = local_neutron_conf
    url = oslo_messaging.TransportURL.parse(__import__("oslo_config").cfg.ConfigOpts(), _option(path, None, "transport_url"))
    url.hosts[0].password = "a/b" + url.hosts[0].password
    try:
        _cast(path, url_override=str(url))
    except ValueError as e:
        if "Port could not be cast to integer" in str(e):
            pytest.xfail("finding (oslo.messaging): a '/' in a RabbitMQ password breaks kombu's URL parsing")
        pytest.fail(f"unexpected ValueError (message withheld: it may quote the password)", pytrace=False)
    except (oslo_messaging.MessageDeliveryFailure, __import__("amqp").exceptions.AccessRefused):
        pytest.fail("the URL parsed and the broker refused the (wrong) password: oslo.messaging now quotes '/', "
                    "so the finding is fixed and the '/'-free RabbitMQ password in openstack-env.sh can go", pytrace=False)


def test_wrong_transport_password_is_refused(local_neutron_conf):
    import oslo_messaging

    path, _ = local_neutron_conf
    url = oslo_messaging.TransportURL.parse(__import__("oslo_config").cfg.ConfigOpts(), _option(path, None, "transport_url"))
    url.hosts[0].password = url.hosts[0].password[:-1]
    from amqp.exceptions import AccessRefused

    try:
        _cast(path, url_override=str(url))
    except (oslo_messaging.MessageDeliveryFailure, AccessRefused):
        return
    except Exception as e:  # noqa: BLE001
        pytest.fail(f"expected the broker to refuse the password, got {type(e).__name__}", pytrace=False)
    pytest.fail("RabbitMQ accepted a wrong password", pytrace=False)


def test_keystone_db_sync_with_percent_encoded_password(openstack_env, tmp_path):
    venv_bin = sys.executable.rsplit("/", 1)[0]
    d = tmp_path / "ks"
    # The keystone render with a password that needs encoding; its database is a scratch one.
    render(d, "ovs", local=True, secrets={"renderKeystoneConf.dbPassword": openstack_env["OSKUBE_OS_DB_PASSWORD"]})
    conf = (d / "keystone.conf").read_text().replace("/keystone?", "/keystone_pct?")
    (d / "keystone.conf").write_text(conf)
    subprocess.run([sys.executable, str(HELPERS / "dbctl.py"), "ensure", "keystone_pct", "OSKUBE_OS_DB_PASSWORD"], check=True, capture_output=True)
    try:
        # The user of that scratch database is keystone_pct; point the URL's user at it.
        (d / "keystone.conf").write_text(conf.replace("mysql+pymysql://keystone:", "mysql+pymysql://keystone_pct:"))
        p = subprocess.run([f"{venv_bin}/keystone-manage", "--config-file", str(d / "keystone.conf"), "db_sync"],
                           capture_output=True, text=True, timeout=600)
        if p.returncode != 0 and "invalid interpolation syntax" in p.stderr:
            pytest.xfail(
                "finding (keystone 29, not oskube): keystone-manage db_sync hands [database]/connection to alembic's "
                "ConfigParser without escaping '%', so a percent-encoded password fails with 'invalid interpolation "
                "syntax'. oskube must give Keystone a database password that needs no URL encoding (its generated "
                "ones do; user-supplied ones may not).")
        assert p.returncode == 0, "keystone-manage db_sync failed for another reason: " + " | ".join(
            line.split("ERROR keystone ", 1)[-1][:160] for line in p.stderr.splitlines()[-3:])
        pytest.fail("keystone-manage db_sync now accepts a percent-encoded password: keystone fixed the finding, so "
                    "the URL-safe Keystone password in scripts/openstack-env.sh and this test can go")
    finally:
        subprocess.run([sys.executable, str(HELPERS / "dbctl.py"), "drop", "keystone_pct"], capture_output=True)


assert ROOT
