#!/usr/bin/env bash
# Installs every build and test dependency of nprcheck from Debian packages.
# Idempotent: packages already present are left alone. Run as root (or with sudo).
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  catch2
  libboost-program-options-dev
  nlohmann-json3-dev
  libpugixml-dev
  libspdlog-dev
  libyaml-cpp-dev
  libsqlite3-dev
  libssl-dev
  zlib1g-dev
  python3
)
# Optional extras, enabled by flags: browser tests and benchmarks.
for arg in "$@"; do
  case "$arg" in
    --browser) packages+=(chromium nodejs) ;;
    --bench) packages+=(libbenchmark-dev python3-lxml time) ;;
    --fuzz) packages+=(clang libclang-rt-14-dev) ;;
    -h|--help)
      echo "usage: scripts/setup.sh [--browser] [--bench] [--fuzz]"
      echo "Installs nprcheck's build dependencies with apt-get (idempotent)."
      exit 0 ;;
    *) echo "setup.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup.sh: all dependencies present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
