#!/usr/bin/env bash
# Installs what goroscope builds and tests with, on a Debian-like Linux amd64 host (run as root):
# apt packages (clang/llvm for the BPF objects, libbpf, bpftool, Capstone, binutils, Go 1.19;
# for the tests only, chromium and chromium-driver, which open the HTML reports),
# Go 1.26 if there is no Go >= 1.24 on PATH, the toolchains of Go 1.20-1.25 and 1.27 (fetched by
# GOTOOLCHAIN into the Go module cache: the tests build with every Go minor 1.19-1.27; 1.23 is
# also the oldest Go of the OpenTelemetry Go SDK v1.38.0 the app-span tests build), a mounted
# tracefs, and Jaeger and Prometheus binaries built once from the Go module proxy into the user
# cache (Prometheus: the OTLP metrics backend of PrometheusMetricsTest).
# Idempotent: a second run only checks, in a few seconds.
# --runtime: only what building and running goroscope needs (no extra toolchains, no Jaeger or
# Prometheus, no browser).
set -euo pipefail

runtime_only=false
[[ "${1:-}" == --runtime ]] && runtime_only=true

readonly JAEGER_VERSION=v1.76.0
readonly PROMETHEUS_VERSION=v0.316.0  # the Go module's version of Prometheus 3.16.0
readonly GO_VERSION=go1.26.8      # installed only when no Go >= 1.24 is on PATH
# Test toolchains besides Debian's 1.19 and the 1.26 on PATH, one per Go minor; keep in step with
# GoToolchains.Toolchain (bpf/src/test/java/dev/goroscope/testing/GoToolchains.java).
readonly FETCHED_TOOLCHAINS=(go1.20.14 go1.21.13 go1.22.12 go1.23.12 go1.24.9 go1.25.4 go1.27.3)
readonly GO119=/usr/lib/go-1.19/bin/go
readonly GO_PREFIX="${GOROSCOPE_GO_PREFIX:-/usr/local}"  # where install_go puts Go and its links
readonly CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/goroscope"
readonly JAEGER_BIN="$CACHE/jaeger-$JAEGER_VERSION"
readonly PROMETHEUS_BIN="$CACHE/prometheus-$PROMETHEUS_VERSION"
readonly APT_PACKAGES=(clang llvm libbpf-dev libbpf1 bpftool libcapstone-dev libcapstone4
  golang-1.19-go binutils maven openjdk-17-jdk-headless curl openssl)
# Tests only: the HTML report is opened in headless Chromium through WebDriver.
readonly TEST_APT_PACKAGES=(chromium chromium-driver)

say() { echo "setup: $*" >&2; }
die() { echo "setup: $*" >&2; exit 1; }
is_root() { [[ "$(id -u)" == 0 ]]; }

install_apt_packages() { # the packages to install are the arguments
  local missing=() p
  for p in "$@"; do
    # maven/java/curl may come from elsewhere than apt: only their commands matter.
    case "$p" in
      maven) command -v mvn >/dev/null && continue ;;
      openjdk-17-jdk-headless) command -v javac >/dev/null && continue ;;
      curl) command -v curl >/dev/null && continue ;;
      openssl) command -v openssl >/dev/null && continue ;; # the OTLP TLS test makes certificates
    esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return
  is_root || die "missing packages ${missing[*]}: run this script as root (it calls apt-get install)"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
}

go_is_recent() { # go on PATH and at least 1.24 (Jaeger needs >= 1.24.6; GOTOOLCHAIN needs >= 1.21)
  command -v go >/dev/null || return 1
  local v; v="$(go env GOVERSION 2>/dev/null)" || return 1
  [[ "$v" =~ ^go1\.([0-9]+) ]] && ((BASH_REMATCH[1] >= 24))
}

install_go() {
  go_is_recent && return
  local dest="$GO_PREFIX/$GO_VERSION"
  [[ -w "$GO_PREFIX" ]] || die "no Go >= 1.24 on PATH: run this script as root to install $GO_VERSION into $dest"
  # Only the Go module proxy is reachable: fetch the toolchain module with Debian's Go 1.19.
  say "installing $GO_VERSION into $dest (from the Go module proxy)"
  local mod="golang.org/toolchain@v0.0.1-$GO_VERSION.linux-amd64" dir
  dir="$(GOFLAGS=-mod=mod "$GO119" mod download -json "$mod" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -n "$dir" && -f "$dir/bin/go" ]] || die "go mod download $mod failed"
  rm -rf "$dest.tmp"
  cp -r "$dir" "$dest.tmp"
  chmod -R u+w "$dest.tmp"
  chmod +x "$dest.tmp"/bin/* "$dest.tmp"/pkg/tool/*/*  # the module zip keeps no exec bits
  rm -rf "$dest"
  mv "$dest.tmp" "$dest"
  mkdir -p "$GO_PREFIX/bin"
  ln -sf "$dest/bin/go" "$GO_PREFIX/bin/go"
  ln -sf "$dest/bin/gofmt" "$GO_PREFIX/bin/gofmt"
  hash -r
  go_is_recent || die "installed $GO_VERSION but 'go' on PATH is not it; put $GO_PREFIX/bin first on PATH"
}

install_toolchains() { # each downloads through the module proxy once, then is in the module cache
  local modcache v
  modcache="$(go env GOMODCACHE)"
  for v in "${FETCHED_TOOLCHAINS[@]}"; do
    [[ -x "$modcache/golang.org/toolchain@v0.0.1-$v.linux-amd64/bin/go" ]] && continue
    say "fetching the $v toolchain into $modcache (once, ~80 MB download)"
    GOTOOLCHAIN="$v" go version >/dev/null || die "GOTOOLCHAIN=$v go version failed"
  done
}

mount_tracefs() {
  [[ -d /sys/kernel/tracing ]] || return 0
  mountpoint -q /sys/kernel/tracing && return
  if is_root && mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; then
    say "mounted tracefs on /sys/kernel/tracing"
  else
    say "warning: tracefs is not mounted and could not be (mount -t tracefs nodev /sys/kernel/tracing)"
  fi
}

# Builds a command of a module from the Go module proxy into the cache, once; the arguments:
# the binary's path, module@version, the package inside the module, then go build flags.
build_go_binary() {
  local bin="$1" module="$2" pkg="$3"
  shift 3
  [[ -x "$bin" ]] && return
  mkdir -p "$CACHE"
  # One build at a time, even with several setups running; recheck once we hold the lock.
  exec 9>"$bin.lock"
  flock 9
  if [[ ! -x "$bin" ]]; then
    say "building $module into $bin (once; a few minutes)"
    # 'go install …@v' refuses modules with replace directives: build inside the module.
    local src
    src="$(go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    [[ -d "$src" ]] || die "go mod download $module failed"
    # GOWORK=off: a module zip may carry a go.work naming directories it does not contain.
    (cd "$src" && CGO_ENABLED=0 GOWORK=off GOFLAGS=-mod=readonly \
      go build -trimpath "$@" -o "$bin.tmp" "$pkg")
    mv "$bin.tmp" "$bin"
  fi
  flock -u 9
  exec 9>&-
}

build_jaeger() {
  build_go_binary "$JAEGER_BIN" "github.com/jaegertracing/jaeger@$JAEGER_VERSION" ./cmd/jaeger
}

build_prometheus() {
  # remove_all_sd leaves out the service-discovery plugins (cloud SDKs) the tests never use; no
  # builtinassets tag: the tests use the HTTP API, not the web UI.
  build_go_binary "$PROMETHEUS_BIN" "github.com/prometheus/prometheus@$PROMETHEUS_VERSION" \
    ./cmd/prometheus -tags remove_all_sd
}

install_apt_packages "${APT_PACKAGES[@]}"
install_go
mount_tracefs
if $runtime_only; then
  say "ready to build and run goroscope: $(go env GOVERSION)"
  exit 0
fi
install_apt_packages "${TEST_APT_PACKAGES[@]}"
install_toolchains
build_jaeger
build_prometheus
say "ready: $(go env GOVERSION), $("$GO119" env GOVERSION), ${FETCHED_TOOLCHAINS[*]}, jaeger at $JAEGER_BIN, prometheus at $PROMETHEUS_BIN"
