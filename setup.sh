#!/usr/bin/env bash
# QPushgateway set-up on Debian 12: installs what is missing with apt, configures, builds,
# then runs the gateway or every test.
#
#   ./setup.sh run [gateway flags...]   build and run the gateway
#   ./setup.sh test                     build and run every test (what CI runs)
#
# Idempotent: packages already installed are skipped, an existing build is reused.
# With CI=true, compiler warnings are errors.
set -euo pipefail
cd "$(dirname "$0")"

readonly BUILD_DIR=${QPGW_BUILD_DIR:-build}
readonly FUZZ_BUILD_DIR=${QPGW_FUZZ_BUILD_DIR:-build-fuzz}
# qt6-httpserver-dev's CMake package is only found with qt6-websockets-dev installed.
# libprotobuf + protoc: the io.prometheus.client schema; zlib and snappy: compressed bodies.
# The console's translations: lupdate/lrelease (qt6-l10n-tools) and their CMake package
# Qt6LinguistTools (qt6-tools-dev); Qt's own translations come with qt6-translations-l10n.
readonly BUILD_PACKAGES=(cmake ninja-build g++ pkg-config qt6-base-dev qt6-httpserver-dev qt6-websockets-dev libgl-dev
    libprotobuf-dev protobuf-compiler zlib1g-dev libsnappy-dev qt6-l10n-tools qt6-tools-dev qt6-translations-l10n)
# The libFuzzer run needs clang and its runtime; the German locale proves locale independence.
# The e2e tests need Python's prometheus_client (for /usr/bin/python3), Prometheus and the
# reference Pushgateway; they run their own instances on free loopback ports and temp dirs,
# and never use the system services these packages install.
# The Go client (protobuf pushes, native histograms) is built in GOPATH mode from Debian's packages.
# desktop-file-validate (desktop-file-utils) checks the installed .desktop entry.
readonly TEST_PACKAGES=(clang libclang-rt-14-dev locales
    python3-prometheus-client prometheus prometheus-pushgateway
    golang-go golang-github-prometheus-client-golang-dev desktop-file-utils)

log() { printf '==> %s\n' "$*" >&2; }

install_missing() {
    local missing=() package
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$package")
        fi
    done
    if ((${#missing[@]} == 0)); then
        return
    fi
    log "installing: ${missing[*]}"
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
    stop_services_of "${missing[@]}"
}

# Debian's prometheus and prometheus-pushgateway packages start system services on ports 9090
# and 9091 where systemd runs. The tests never use them, and `./setup.sh run` needs 9091: stop
# and disable the ones this script has just installed.
stop_services_of() {
    [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null || return 0
    local package services=()
    for package in "$@"; do
        case "$package" in
        prometheus) services+=(prometheus prometheus-node-exporter) ;;
        prometheus-pushgateway) services+=(prometheus-pushgateway) ;;
        esac
    done
    if ((${#services[@]})); then
        log "stopping and disabling the system services of the test tools: ${services[*]}"
        local sudo=()
        if [[ $(id -u) -ne 0 ]]; then
            sudo=(sudo)
        fi
        "${sudo[@]}" systemctl disable --now "${services[@]}" >/dev/null 2>&1 || true
    fi
}

# de_DE.UTF-8 for the locale-independence tests; generated once, idempotently.
ensure_german_locale() {
    if locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
        return
    fi
    log "generating the de_DE.UTF-8 locale"
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        sudo=(sudo)
    fi
    "${sudo[@]}" localedef -i de_DE -c -f UTF-8 de_DE.UTF-8 || log "could not generate de_DE.UTF-8"
}

werror() {
    if [[ ${CI:-} == true ]]; then echo ON; else echo OFF; fi
}

build() {
    log "configuring and building in $BUILD_DIR"
    cmake -S . -B "$BUILD_DIR" -G Ninja -DQPGW_WERROR="$(werror)" "$@" >/dev/null
    cmake --build "$BUILD_DIR"
}

run_tests() {
    log "running the tests"
    # Every label but bench: benchmarks are run by hand (see bench/README.md).
    ctest --test-dir "$BUILD_DIR" --output-on-failure --label-exclude bench --timeout 600

    # A short libFuzzer run on the parsers, when clang can build it.
    if command -v clang++ >/dev/null; then
        log "building and running the fuzzers with clang in $FUZZ_BUILD_DIR"
        CXX=clang++ cmake -S . -B "$FUZZ_BUILD_DIR" -G Ninja -DQPGW_FUZZ=ON -DQPGW_BUILD_GUI=OFF \
            -DQPGW_WERROR="$(werror)" >/dev/null
        cmake --build "$FUZZ_BUILD_DIR" --target qpgw_fuzzers
        ctest --test-dir "$FUZZ_BUILD_DIR" --output-on-failure --label-regex fuzz --timeout 600
    else
        log "clang++ not found: skipping the libFuzzer run (the corpus was replayed above)"
    fi
}

main() {
    local command=${1:-}
    case "$command" in
    run)
        shift
        install_missing "${BUILD_PACKAGES[@]}"
        build -DQPGW_BUILD_TESTS=OFF
        # The desktop console: a window where there is a display, headless (saying so) where
        # there is none. --headless forces the latter.
        exec "$BUILD_DIR/app/qpushgateway" "$@"
        ;;
    test)
        install_missing "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
        ensure_german_locale
        build -DQPGW_BUILD_TESTS=ON
        run_tests
        ;;
    *)
        echo "usage: $0 run [gateway flags...] | $0 test" >&2
        exit 2
        ;;
    esac
}

main "$@"
