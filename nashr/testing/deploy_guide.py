"""docs/deploy.md run as written, in a throwaway copy of this machine (`.ci/run`).

    .venv/bin/python -m nashr.testing.deploy_guide [--keep] [--timeout SECONDS]

The guide's shell blocks are read from the document (each is marked `<!-- deploy-test: run -->`
or `<!-- deploy-test: skip, REASON -->`; an unmarked block is an error) and the `run` blocks
are run in order by one root shell, as an operator types them, in a copy-on-write copy of
this machine's root file system (overlayfs over `/`, in a mount and PID namespace of its
own, so that nothing it writes or starts outlives it): no `nashr` user, no `/srv/nashr`,
`/etc/nashr` or `/var/lib/nashr` there before step 1. The shell answers to a terminal,
so `createsuperuser` asks for its password and gets it.

What is not the guide's own text, and why:
- `news.example.org` is replaced by DOMAIN, and the clone's address by this checkout's
  committed HEAD, as the guide asks ("Replace `news.example.org` everywhere", "your copy
  of the repository").
- There is no systemd in the copy: `systemctl` is a stand-in (STAND_INS below) that runs a
  unit's ExecStart as its User= with its EnvironmentFile= (a oneshot in the foreground, a
  service in the background), reloads nginx and Postfix with their own commands, and takes
  `daemon-reload` and timers as done. PostgreSQL's cluster is started before the guide, as
  its package's start-up would be.
- `editor` is the operator: it puts DOMAIN into the environment file and the age public
  key that `age-keygen` printed into NASHR_BACKUP_RECIPIENT.
- `apt-get install` drops `npm` when an `npm` is already installed from another source
  (NodeSource's nodejs, on the CI machine, conflicts with Debian's npm package).
- DEBIAN_FRONTEND=noninteractive: Postfix's installer takes its defaults ("Internet Site").
- certbot and DNS blocks are `skip` in the guide itself; the self-signed block is run.

After the guide, the site is asked for its Persian home page over HTTPS through nginx.
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "deploy.md"
DOMAIN = "news.nashr.test"
PLACEHOLDER_DOMAIN = "news.example.org"
CLONE_URL = "https://example.org/nashr.git"
PASSWORD = "guide-test-Password-7f3a9c"  # noqa: S105 (the throwaway site's only account)
MARK = re.compile(r"^\s*<!-- deploy-test: (run|skip)(?:, ?(.*?))?\s*-->\s*$")
FENCE = re.compile(r"^(\s*)```sh\s*$")


@dataclass(frozen=True)
class Block:
    line: int  # of the opening fence, counted from 1
    run: bool
    reason: str
    code: str


def guide_blocks(text: str) -> list[Block]:
    """Every ```sh block of the guide with its mark; an unmarked one raises ValueError."""
    lines = text.splitlines()
    blocks = []
    for number, line in enumerate(lines):
        fence = FENCE.match(line)
        if not fence:
            continue
        previous = next((lines[i] for i in range(number - 1, -1, -1) if lines[i].strip()), "")
        mark = MARK.match(previous)
        if mark is None:
            raise ValueError(f"docs/deploy.md:{number + 1}: a shell block without a mark")
        indent = len(fence.group(1))
        end = next(i for i in range(number + 1, len(lines)) if lines[i].strip() == "```")
        code = "\n".join(body[indent:] for body in lines[number + 1 : end])
        run = mark.group(1) == "run"
        blocks.append(Block(line=number + 1, run=run, reason=mark.group(2) or "", code=code))
    return blocks


def guide_script(text: str, *, domain: str, clone_from: str) -> str:
    """The `run` blocks in order, as one bash script that stops at the first failure."""
    parts = ["set -euo pipefail", "cd /root"]
    for block in guide_blocks(text):
        if not block.run:
            continue
        code = block.code.replace(PLACEHOLDER_DOMAIN, domain).replace(CLONE_URL, clone_from)
        parts.append(f"echo '=== docs/deploy.md:{block.line}'\nset -x\n{code}\nset +x")
    parts.append("echo '=== the guide ran to its end'")
    return "\n".join(parts) + "\n"


SYSTEMCTL = r'''#!/usr/bin/python3
"""systemctl's stand-in in the guide's test root (nashr/testing/deploy_guide.py)."""
import os, pwd, shlex, signal, subprocess, sys, time
from pathlib import Path

UNITS = Path("/etc/systemd/system")
RUN = Path("/run/stand-in")


def unit(name):
    sections, section = {}, None
    for line in (UNITS / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        section.setdefault(key, []).append(value)
    return sections


def environment(service):
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
    env["LANG"] = "C.UTF-8"
    for path in service.get("EnvironmentFile", []):
        for line in Path(path.lstrip("-")).read_text().splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                key, _, value = line.partition("=")
                env[key.strip()] = value.strip().strip('"')
    return env


def as_user(service):
    user = pwd.getpwnam(service.get("User", ["root"])[0])
    for directory in service.get("StateDirectory", []):
        path = Path("/var/lib") / directory
        if not path.exists():
            path.mkdir(mode=0o750)
            os.chown(path, user.pw_uid, user.pw_gid)
    def drop():
        os.setsid()
        os.initgroups(user.pw_name, user.pw_gid)
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)
    return drop


def command(line):
    return shlex.split(line.replace("%%", "%"))


def start(name):
    if name.endswith(".timer"):
        unit(name)
        return 0
    if name in {"nginx", "nginx.service"}:
        subprocess.run(["nginx", "-t"], check=True)
        running = subprocess.run(["pgrep", "-x", "nginx"], capture_output=True).returncode == 0
        return subprocess.run(["nginx", "-s", "reload"] if running else ["nginx"]).returncode
    if name in {"postfix", "postfix.service"}:
        subprocess.run(["postfix", "check"], check=True)
        status = subprocess.run(["postfix", "status"], capture_output=True).returncode
        return subprocess.run(["postfix", "reload" if status == 0 else "start"]).returncode
    name = name if name.endswith(".service") else name + ".service"
    service = unit(name)["Service"]
    env, drop = environment(service), as_user(service)
    cwd = service.get("WorkingDirectory", ["/"])[0]
    if service.get("Type", ["simple"])[0] == "oneshot":
        for line in service["ExecStart"] + service.get("ExecStartPost", []):
            done = subprocess.run(command(line), env=env, cwd=cwd, preexec_fn=drop)
            if done.returncode:
                print(f"{name}: {line} exited with {done.returncode}", file=sys.stderr)
                return 3
        return 0
    stop(name)
    RUN.mkdir(parents=True, exist_ok=True)
    log = open(f"/var/log/{name}.log", "ab")
    process = subprocess.Popen(command(service["ExecStart"][0]), env=env, cwd=cwd,
                               preexec_fn=drop, stdout=log, stderr=log)
    (RUN / f"{name}.pid").write_text(str(process.pid))
    time.sleep(3)
    if process.poll() is not None:
        print(f"{name} exited ({process.returncode}): /var/log/{name}.log", file=sys.stderr)
        return 3
    return 0


def stop(name):
    pid = RUN / f"{name}.pid"
    if pid.exists():
        try:
            os.killpg(int(pid.read_text()), signal.SIGTERM)
        except ProcessLookupError:
            pass
        pid.unlink()


def main(args):
    verb, names = args[0], [a for a in args[1:] if not a.startswith("-")]
    if verb == "daemon-reload":
        return 0
    if verb == "enable" and "--now" not in args:
        return 0
    if verb in {"enable", "start", "restart", "reload"}:
        return max((start(name) for name in names), default=0)
    if verb == "stop":
        for name in names:
            stop(name)
        return 0
    print(f"systemctl stand-in: {verb} is not known here", file=sys.stderr)
    return 1


sys.exit(main(sys.argv[1:]))
'''

EDITOR = r"""#!/bin/sh
# The operator filling in /etc/nashr/nashr.env (nashr/testing/deploy_guide.py).
set -eu
file=$1
public=$(sed -n 's/^# public key: //p' "$PWD/nashr-backup.key")
sed -i -e "s/news\.example\.org/__DOMAIN__/g" \
    -e "s|^NASHR_BACKUP_RECIPIENT=.*|NASHR_BACKUP_RECIPIENT=$public|" "$file"
"""

APT_GET = r"""#!/bin/sh
# apt-get, without Debian's npm where another npm is installed (nashr/testing/deploy_guide.py).
if [ "$1" = install ] && command -v npm >/dev/null 2>&1; then
    shift
    set -- install $(printf '%s\n' "$@" | grep -vx npm)
fi
exec /usr/bin/apt-get "$@"
"""

SETUP = """set -eu
root=$1
mount -t overlay overlay -o lowerdir=/,upperdir=$2/upper,workdir=$2/work "$root"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount --rbind /sys "$root/sys"
mount -t tmpfs tmpfs "$root/run"
mount -t tmpfs tmpfs "$root/tmp"
mkdir -p "$root/run/postgresql" && chown postgres:postgres "$root/run/postgresql"
exec chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \\
    DEBIAN_FRONTEND=noninteractive __NETWORK__ \\
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
    /bin/bash -c 'pg_ctlcluster 15 main start && exec /bin/bash /root/guide.sh'
"""

# This machine's way to the network (a proxy, its certificate authority), kept in the copy.
NETWORK = (
    "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "PIP_CERT", "NODE_EXTRA_CA_CERTS",
    "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
)  # fmt: skip

CHECK_SITE = f"""
code=$(curl -sk -o /dev/null -w '%{{http_code}}' --resolve {DOMAIN}:443:127.0.0.1 https://{DOMAIN}/fa/)
echo "=== https://{DOMAIN}/fa/ through nginx: $code"
[ "$code" = 200 ]
# A bounce through Postfix to the alias's command (its log, for this check only).
postconf -e maillog_file=/var/log/postfix.log && postfix reload && sleep 2
printf 'From: MAILER-DAEMON@example.net\\nSubject: Undelivered Mail\\n\\nNo such user.\\n' |
    sendmail -f '' bounces+0123456789abcdef0123456789abcdef@{DOMAIN}
for _ in $(seq 30); do grep -q 'delivered to command' /var/log/postfix.log && break; sleep 1; done
grep 'bounces+' /var/log/postfix.log | tail -3
grep -q 'status=sent (delivered to command' /var/log/postfix.log
echo "=== a bounce to {DOMAIN} reached nashr bounces ingest"
"""


def _committed_clone(workdir: Path) -> str:
    """A bare copy of this checkout's HEAD to clone from (uncommitted changes are not in it)."""
    bare = workdir / "nashr.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(REPO), str(bare)], check=True)
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run(["git", "-C", str(bare), "branch", "-f", "guide", head], check=True)
    subprocess.run(["git", "-C", str(bare), "symbolic-ref", "HEAD", "refs/heads/guide"], check=True)
    # file://: git's own transport (a plain path hard-links objects, which overlayfs refuses).
    return f"file://{bare}"


def _write(path: Path, text: str, mode: int = 0o755) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)


def _converse(command: list[str], log: Path, timeout: float) -> int:
    """Run `command` on a terminal of its own, answering the password prompts; its exit code."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)  # noqa: S606 (the command is ours)
    deadline = time.monotonic() + timeout
    seen = b""
    with log.open("wb") as out:
        while True:
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                out.write(b"\n=== timed out\n")
                break
            ready, _, _ = select.select([fd], [], [], 1)
            if not ready:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            out.write(data)
            out.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            seen = (seen + data)[-200:]
            if re.search(rb"Password( \(again\))?: ?$", seen):
                os.write(fd, PASSWORD.encode() + b"\n")
                seen = b""
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the copy's changes folder")
    parser.add_argument("--timeout", type=float, default=1800)
    options = parser.parse_args()
    if os.geteuid() != 0:
        print("deploy_guide: run as root (it mounts an overlay of / and chroots into it)")
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="nashr-guide-", dir="/var/tmp"))
    try:
        for name in ("upper", "work", "root"):
            (workdir / name).mkdir()
        upper = workdir / "upper"
        text = GUIDE.read_text()
        script = guide_script(text, domain=DOMAIN, clone_from=_committed_clone(workdir))
        _write(upper / "root" / "guide.sh", script + CHECK_SITE, 0o644)
        _write(upper / "usr" / "local" / "sbin" / "systemctl", SYSTEMCTL)
        _write(upper / "usr" / "local" / "bin" / "editor", EDITOR.replace("__DOMAIN__", DOMAIN))
        _write(upper / "usr" / "local" / "sbin" / "apt-get", APT_GET)
        setup = workdir / "setup.sh"
        network = " ".join(
            shlex.quote(f"{name}={os.environ[name]}") for name in NETWORK if name in os.environ
        )
        _write(setup, SETUP.replace("__NETWORK__", network))
        log = Path(tempfile.gettempdir()) / "nashr-deploy-guide.log"
        command = ["unshare", "--mount", "--pid", "--fork", "--propagation", "private",
                   "/bin/sh", str(setup), str(workdir / "root"), str(workdir)]  # fmt: skip
        started = time.monotonic()
        code = _converse(command, log, options.timeout)
        seconds = time.monotonic() - started
        print(f"\n=== deploy guide: exit {code} after {seconds:.0f} s; log {log}")
        return code
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
