#!/usr/bin/env bash
# Installs what goroscope builds and tests with, on a Debian-like Linux amd64 host (run as root):
# apt packages (clang/llvm for the BPF objects, libbpf, bpftool, Capstone, binutils, Go 1.19;
# for the tests only, chromium and chromium-driver, which open the HTML reports),
# Go 1.26 if there is no Go >= 1.24 on PATH, the Go 1.27 and 1.23 toolchains (GOTOOLCHAIN), a mounted
# tracefs, and a Jaeger binary built once from the Go module proxy into the user cache.
# Idempotent: a second run only checks, in a few seconds.
# --runtime: only what building and running goroscope needs (no Go 1.27, no Jaeger, no browser).
set -euo pipefail

runtime_only=false
[[ "${1:-}" == --runtime ]] && runtime_only=true

readonly JAEGER_VERSION=v1.76.0
readonly GO_VERSION=go1.26.8      # installed only when no Go >= 1.24 is on PATH
readonly GO127_VERSION=go1.27.3
readonly GO123_VERSION=go1.23.12  # the oldest Go of the OpenTelemetry Go SDK v1.38.0 (tests)
readonly GO119=/usr/lib/go-1.19/bin/go
readonly GO_PREFIX="${GOROSCOPE_GO_PREFIX:-/usr/local}"  # where install_go puts Go and its links
readonly CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/goroscope"
readonly JAEGER_BIN="$CACHE/jaeger-$JAEGER_VERSION"
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

install_go127() { # downloads through the module proxy once, then it is in the module cache
  GOTOOLCHAIN="$GO127_VERSION" go version >/dev/null || die "GOTOOLCHAIN=$GO127_VERSION go version failed"
  GOTOOLCHAIN="$GO123_VERSION" go version >/dev/null || die "GOTOOLCHAIN=$GO123_VERSION go version failed"
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

build_jaeger() {
  [[ -x "$JAEGER_BIN" ]] && return
  mkdir -p "$CACHE"
  # One build at a time, even with several setups running; recheck once we hold the lock.
  exec 9>"$CACHE/jaeger.lock"
  flock 9
  if [[ ! -x "$JAEGER_BIN" ]]; then
    say "building Jaeger $JAEGER_VERSION into $JAEGER_BIN (once; a few minutes)"
    # 'go install …/cmd/jaeger@v' refuses modules with replace directives: build inside the module.
    local src
    src="$(go mod download -json "github.com/jaegertracing/jaeger@$JAEGER_VERSION" \
      | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    [[ -d "$src" ]] || die "go mod download github.com/jaegertracing/jaeger@$JAEGER_VERSION failed"
    (cd "$src" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -o "$JAEGER_BIN.tmp" ./cmd/jaeger)
    mv "$JAEGER_BIN.tmp" "$JAEGER_BIN"
  fi
  flock -u 9
  exec 9>&-
}

install_apt_packages "${APT_PACKAGES[@]}"
install_go
mount_tracefs
if $runtime_only; then
  say "ready to build and run goroscope: $(go env GOVERSION)"
  exit 0
fi
install_apt_packages "${TEST_APT_PACKAGES[@]}"
install_go127
build_jaeger
say "ready: $(go env GOVERSION), $("$GO119" env GOVERSION), $GO127_VERSION, jaeger at $JAEGER_BIN"
