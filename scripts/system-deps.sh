#!/usr/bin/env bash
# Installs the Debian packages that the demo and the tests need, if any is missing:
# python3-venv (uv's own venv, where python3 has no uv), npm (the Vazirmatn font and the
# checkers come from the npm registry), Chromium for the
# browser tests, poppler-utils for reading PDFs back, Java for the Nu Html Checker,
# PostgreSQL 15 for the second run of the suite, the servers the production tests start on
# loopback (Redis, MariaDB for the Drupal importer, PgBouncer, nginx and Caddy whose
# configuration files the deployment guide ships), exiftool for checking stripped images,
# LibreOffice Writer for the PDFs the upload tests make as a word processor would, wrk for
# the benchmarks, ssh-keygen for checking signed backups as the deployment guide does, and
# the libraries WeasyPrint draws with.
set -euo pipefail

want=()
command -v npm >/dev/null 2>&1 || want+=(npm)
# `make python-deps` installs uv into a venv when python3 has none (Debian's pip refuses to
# install into the system's Python): Debian's venv module is a package of its own.
python3 -m uv --version >/dev/null 2>&1 || dpkg -s python3-venv >/dev/null 2>&1 \
  || want+=(python3-venv)
if [ "${1:-}" != "--demo" ]; then
  command -v chromium >/dev/null 2>&1 || want+=(chromium)
  command -v pdftotext >/dev/null 2>&1 || want+=(poppler-utils)
  command -v java >/dev/null 2>&1 || want+=(default-jre-headless)
  [ -x /usr/lib/postgresql/15/bin/initdb ] || want+=(postgresql-15)
  command -v redis-server >/dev/null 2>&1 || want+=(redis-server)
  command -v mariadbd >/dev/null 2>&1 || want+=(mariadb-server)
  command -v pgbouncer >/dev/null 2>&1 || want+=(pgbouncer)
  command -v nginx >/dev/null 2>&1 || want+=(nginx)
  command -v caddy >/dev/null 2>&1 || want+=(caddy)
  command -v exiftool >/dev/null 2>&1 || want+=(libimage-exiftool-perl)
  command -v soffice >/dev/null 2>&1 || want+=(libreoffice-writer-nogui)
  command -v wrk >/dev/null 2>&1 || want+=(wrk)
  command -v ssh-keygen >/dev/null 2>&1 || want+=(openssh-client)
fi
ldconfig -p 2>/dev/null | grep libpango-1.0 >/dev/null || want+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep libharfbuzz-subset >/dev/null || want+=(libharfbuzz-subset0)

[ ${#want[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${want[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${want[@]}"
