#!/usr/bin/env bash
# Set up everything sohoa needs on a Debian machine. Idempotent: a second run only checks.
#   scripts/setup.sh          system packages, virtual environment, the project
#   scripts/setup.sh test     the same, plus test tools and the PostgreSQL test database
#   scripts/setup.sh bench    the same as test, plus OCRmyPDF for the comparison benchmark
#   (test and bench also make .venv-augraphy: augraphy for the benches' aug_* degraded copies)
set -euo pipefail
mode="${1:-run}"
cd "$(dirname "$0")/.."
root="$PWD"
stamps="$root/.setup-stamps"
mkdir -p "$stamps"

say() { printf '\033[1;34m[sohoa setup]\033[0m %s\n' "$*"; }

# 1. Debian packages --------------------------------------------------------------------------
pkgs=(python3 python3-venv python3-pip tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd
      poppler-utils sane-utils libsane1 fonts-liberation2 fonts-dejavu-core)
case "$mode" in
  test|bench) pkgs+=(chromium postgresql-client redis-server fonts-dejavu-extra fonts-dancingscript) ;;  # extra: bench.formgen's fonts; dancingscript: bench.realscan's handwriting
esac
# npm (for the accessibility check's axe-core) from Debian only where no npm is on the PATH: a
# Node.js from elsewhere (NodeSource) brings its own and conflicts with Debian's npm package.
case "$mode" in test|bench) command -v npm >/dev/null 2>&1 || pkgs+=(npm) ;; esac
[ "$mode" = bench ] && pkgs+=(qpdf ghostscript unpaper pngquant)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# 2. Virtual environment and the project --------------------------------------------------------
py="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  say "creating the virtual environment .venv"
  "$py" -m venv .venv
fi
extras=""
case "$mode" in test|bench) extras="[test]" ;; esac
hash="$(sha256sum pyproject.toml | cut -c1-16)"
have="$(cat "$stamps/pip" 2>/dev/null || true)"
# An install with the test extras also serves the plain run.
if [ "$have" != "$hash$extras" ] && [ "$have" != "$hash[test]" ]; then
  say "installing the project into .venv (pip install -e .$extras)"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade "pip>=23.2"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extras"
  echo "$hash$extras" > "$stamps/pip"
fi

# 3. Test services --------------------------------------------------------------------------------
if [ "$mode" = test ] || [ "$mode" = bench ]; then
  scripts/setup-postgres.sh || say "PostgreSQL on 127.0.0.1:5432 is not reachable; its tests will fail"
  # Redis on 127.0.0.1:6379 for the several-machines tests (tests/test_distributed.py): start one
  # (nothing on disk) when none answers.
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    redis-server --port 6379 --bind 127.0.0.1 --save '' --appendonly no --daemonize yes >/dev/null \
      || say "Redis on 127.0.0.1:6379 is not reachable; its tests will fail"
  fi
fi

# The desk's accessibility check (tests/test_web_a11y.py) injects axe-core into chromium: from npm,
# into .node/ (not committed; MPL-2.0, a test tool only).
if [ "$mode" = test ] && [ ! -f .node/node_modules/axe-core/axe.min.js ]; then
  say "installing axe-core into .node (the desk's accessibility check)"
  npm install --silent --no-audit --no-fund --prefix .node axe-core@4.10.3 \
    || say "axe-core could not be installed; the accessibility test will fail"
fi

# 4. Benchmark comparison tools: OCRmyPDF in its own environment ---------------------------------
if [ "$mode" = bench ] && [ ! -x .venv-bench/bin/ocrmypdf ]; then
  say "installing OCRmyPDF for the comparison into .venv-bench"
  "$py" -m venv .venv-bench
  .venv-bench/bin/python -m pip install -q --disable-pip-version-check "ocrmypdf>=16,<18"
fi

# 5. augraphy (document degradation: the benches' aug_* copies, bench/augraphy_run.py) in its own
# environment: it needs opencv-python, which must not sit beside .venv's opencv-python-headless.
# Reinstalled when bench/augraphy-requirements.txt (the pinned versions) changes.
if [ "$mode" = test ] || [ "$mode" = bench ]; then
  req=bench/augraphy-requirements.txt
  want="$(sha256sum "$req" | cut -c1-16)"
  if [ ! -x .venv-augraphy/bin/python ] || [ "$(cat "$stamps/augraphy" 2>/dev/null || true)" != "$want" ]; then
    say "installing augraphy into .venv-augraphy ($req)"
    [ -x .venv-augraphy/bin/python ] || "$py" -m venv .venv-augraphy
    .venv-augraphy/bin/python -m pip install -q --disable-pip-version-check -r "$req"
    echo "$want" > "$stamps/augraphy"
  fi
fi
exit 0
