# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Sourced by tools/power9-sysroot.sh and tools/power9-linux.sh: ppc64el_apt DIR [security]
# makes a private apt configuration in DIR (APT::Architecture "ppc64el", its own state, cache
# and lists, Debian's bookworm and bookworm-updates, and bookworm-security when asked) and
# exports APT_CONFIG for it. It never touches the host's dpkg architectures (dpkg
# --add-architecture ppc64el breaks this machine: see docs/platforms.md).
ppc64el_apt() {
  local apt=$1 security=${2:-}
  mkdir -p "$apt/state/lists/partial" "$apt/cache/archives/partial" "$apt/etc/preferences.d" "$apt/etc/sources.list.d"
  : > "$apt/state/status"
  {
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-updates main"
    [ -z "$security" ] ||
      echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main"
  } > "$apt/etc/sources.list"
  cat > "$apt/apt.conf" <<CONF
APT::Architecture "ppc64el";
APT::Architectures { "ppc64el"; };
Dir::State "$PWD/$apt/state";
Dir::State::status "$PWD/$apt/state/status";
Dir::Cache "$PWD/$apt/cache";
Dir::Etc::SourceList "$PWD/$apt/etc/sources.list";
Dir::Etc::SourceParts "$PWD/$apt/etc/sources.list.d";
Dir::Etc::Preferences "$PWD/$apt/etc/preferences";
Dir::Etc::PreferencesParts "$PWD/$apt/etc/preferences.d";
Acquire::Languages "none";
CONF
  export APT_CONFIG=$PWD/$apt/apt.conf
}
