#!/usr/bin/env bash
# weibao's one set-up script. Two commands do everything on a fresh Debian/Ubuntu machine:
#   ./dev.sh inspect   set up, inspect this machine (inventories/local), write its report
#   ./dev.sh test      set up everything tests need, then lint, unit, Molecule, integration
# Smaller steps: setup | test-deps | image | lint | unit | molecule [ROLE...] | integration
#                catalogs (refresh the gettext catalogs after changing user-facing strings)
#                docs (regenerate the check tables of the READMEs from the check catalogue)
# Run as root it installs the Debian packages it needs; as a normal user it names them.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
ROOT=$PWD
VENV=${WEIBAO_VENV:-$ROOT/.venv}
PY=${PYTHON:-python3}
export CONTAINERS_CONF=$ROOT/tests/podman/containers.conf

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'dev.sh: %s\n' "$*" >&2; exit 3; }

# Debian packages: install as root, otherwise say exactly what is missing.
need_debs() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        say "installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        die "missing Debian packages: ${missing[*]}; install them with: sudo apt-get install ${missing[*]}"
    fi
}

# pip into the venv; its harmless "Location ... is ignored" lines are dropped, a failure is not
pip_install() {
    local log rc=0
    log=$(mktemp)
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$@" >"$log" 2>&1 || rc=$?
    grep -v "is ignored" "$log" >&2 || true
    rm -f "$log"
    [ "$rc" -eq 0 ] || die "pip install $* failed (exit $rc); see the lines above"
}

setup() {
    command -v "$PY" >/dev/null || die "python3 not found; install it with: sudo apt-get install python3 python3-venv"
    "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
        || die "Python 3.11 or newer is needed ($("$PY" --version 2>&1) found)"
    if ! "$PY" -c 'import ensurepip, venv' 2>/dev/null; then
        need_debs python3-venv
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating virtualenv $VENV"
        "$PY" -m venv "$VENV"
    fi
    local stamp=$VENV/.weibao-installed extras=${1:-}
    # the report formats (weibao.report.formats): WeasyPrint's pango/harfbuzz (its fast font
    # subsetter) and the CJK font the PDF, Word and chart output name (Noto Sans CJK SC)
    need_debs libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
    # the report format tests read what they make: pdftotext/pdffonts, and LibreOffice as a
    # real Word reader (tests/unit/test_report_formats.py; `./dev.sh unit` runs `setup test`)
    if [ "$extras" = test ]; then
        need_debs poppler-utils libreoffice-writer-nogui
        # the store tests also run against PostgreSQL: a throwaway cluster of Debian's
        # server per test session (tests/unit/pg.py), never the system's own cluster
        need_debs postgresql
    fi
    if [ ! -f "$stamp$extras" ] || [ pyproject.toml -nt "$stamp$extras" ]; then
        say "installing weibao${extras:+ with [$extras]} into $VENV"
        pip_install --upgrade pip
        pip_install -e ".${extras:+[$extras]}"
        "$VENV/bin/weibao" --version >/dev/null || die "installation into $VENV failed"
        touch "$stamp$extras"
    fi
    export PATH=$VENV/bin:$PATH
}

cmd_inspect() {
    setup
    local period rc=0
    period=$(date -u +%Y-%m)
    weibao inspect --inventory inventories/local --period "$period" || rc=$?
    [ "$rc" -ge 3 ] && exit "$rc"
    weibao report monthly --site local --period "$period" --lang "${WEIBAO_LANG:-en}" \
        --format html,md,json --out "${WEIBAO_REPORT_DIR:-$ROOT/reports}"
    say "inspection exit status $rc (0 all well, 1 critical finding, 2 incomplete)"
    exit "$rc"
}

test_deps() {
    # podman & co: Molecule and integration hosts (catatonit is podman's --init, only a
    # Recommends of podman); openssh-client: change sign-offs (ssh-keygen -Y); clamav: the
    # media virus scan (tests build their own signature file); openipmi (ipmi_sim, sdrcomp),
    # ipmitool, freeipmi-tools: the IPMI BMC peer and the environment collector's clients
    # (sushy-static, the Redfish peer, comes with the test extra; openssl makes its HTTPS
    # certificate)
    need_debs podman runc catatonit debootstrap uidmap slirp4netns fuse-overlayfs iproute2 \
        openssh-client clamav openipmi ipmitool freeipmi-tools openssl python3-libvirt python3-venv
    setup test
    # the Redfish SimpleUpdate peer (tests/bmc/sushy_testvirt.py): sushy-emulator on libvirt's
    # in-process test:///default hypervisor, in a venv of Debian's python that sees
    # python3-libvirt (inside $VENV: ignored and rebuilt with it); sushy-tools as in $VENV
    local lv=$VENV/libvirt-sushy sushy
    sushy=$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("sushy-tools"))')
    if [ ! -f "$lv/.sushy-tools-$sushy" ]; then
        say "creating $lv (sushy-tools $sushy, Debian's python3-libvirt)"
        /usr/bin/python3 -m venv --system-site-packages "$lv"
        VENV=$lv pip_install "sushy-tools==$sushy"
        touch "$lv/.sushy-tools-$sushy"
    fi
}

cmd_image() { test_deps; tests/images/build.sh; }

cmd_lint() {
    setup test
    say "ruff"
    ruff check .
    say "ansible-lint (production profile)"
    ansible-lint
}

pytest_run() {
    local rc=0
    pytest "$@" || rc=$?
    # 5 = no test collected: that is a failure of the suite, not a pass
    [ "$rc" -eq 0 ] || exit "$rc"
}

cmd_unit() { setup test; say "unit tests"; pytest_run -q tests/unit tests/functional; }

cmd_molecule() {
    test_deps
    tests/images/build.sh
    local roles=("$@") role
    if [ ${#roles[@]} -eq 0 ]; then
        for role in roles/*/molecule/default; do
            role=${role#roles/}; roles+=("${role%%/*}")
        done
    fi
    for role in "${roles[@]}"; do
        say "molecule test: $role"
        (cd "roles/$role" && molecule test)
    done
}

cmd_integration() {
    test_deps
    tests/images/build.sh
    say "integration tests"
    pytest_run -q -m integration tests/integration
}

# Refresh both gettext catalogs from the sources (see babel.cfg); then translate the new
# entries in the .po files: tests/unit/test_i18n_catalog.py fails on any left empty.
cmd_catalogs() {
    setup test
    pybabel extract -F babel.cfg --ignore-dirs='.* _* runner' --no-location \
        -o .messages.pot .
    pybabel update -i .messages.pot -d report_templates/locale -N -w 100
    pybabel extract -F babel.cfg --ignore-dirs='.* _* report_templates' --no-location \
        -o .weibao.pot .
    pybabel update -D weibao -i .weibao.pot -d runner/weibao/locale -N -w 100
    rm -f .messages.pot .weibao.pot
}

cmd_test() {
    test_deps
    tests/images/build.sh
    cmd_lint
    cmd_unit
    cmd_molecule
    cmd_integration
    say "all tests passed"
}

case "${1:-}" in
    inspect) shift; cmd_inspect "$@" ;;
    test) shift; cmd_test "$@" ;;
    setup) setup test ;;
    test-deps) test_deps ;;
    image) cmd_image ;;
    lint) cmd_lint ;;
    unit) cmd_unit ;;
    molecule) shift; cmd_molecule "$@" ;;
    integration) cmd_integration ;;
    catalogs) cmd_catalogs ;;
    docs) setup test; python -m weibao.docs ;;
    *) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 3 ;;
esac
