"""Creates a database and its user in the tier's MariaDB, idempotently, with a password that needs SQL escaping.

Usage: dbctl.py ensure <database> <ENV_VAR holding the password>
The SQL goes to the mariadb client on stdin as root over the unix socket, so the password is never on a command line.
"""
import subprocess
import sys

import osenv


def sql_str(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def ensure(db: str, password_var: str) -> None:
    env = osenv.load()
    pw = env[password_var]
    stmts = [f"CREATE DATABASE IF NOT EXISTS `{db}` CHARACTER SET utf8mb4;"]
    for host in ("127.0.0.1", "localhost"):
        user = f"{sql_str(db)}@{sql_str(host)}"
        stmts += [
            f"CREATE USER IF NOT EXISTS {user} IDENTIFIED BY {sql_str(pw)};",
            f"ALTER USER {user} IDENTIFIED BY {sql_str(pw)};",
            f"GRANT ALL PRIVILEGES ON `{db}`.* TO {user};",
        ]
    subprocess.run(
        ["mariadb", "--no-defaults", "-uroot", f"--socket={env['OSKUBE_OS_DB_SOCKET']}"],
        input="\n".join(stmts), text=True, check=True,
    )


def drop(db: str) -> None:
    env = osenv.load()
    subprocess.run(
        ["mariadb", "--no-defaults", "-uroot", f"--socket={env['OSKUBE_OS_DB_SOCKET']}"],
        input=f"DROP DATABASE IF EXISTS `{db}`;", text=True, check=True,
    )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "ensure":
        ensure(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "drop":
        drop(sys.argv[2])
    else:
        raise SystemExit(__doc__)
