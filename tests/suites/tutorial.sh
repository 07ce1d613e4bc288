#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# docs/tutorial.md, followed literally: in an empty temporary folder, every code block marked
# `file=PATH` is written to PATH and every `sh` block (but the `sh prelude`, which makes the
# folder and sets BULKHEAD, done here instead) is run in order; the last one boots the system
# with --timeout. The lines of the `text expect` block must be in the run's output. Then the
# mistakes of the tutorial's table, each on a copy of the folder: each must exit non-zero with
# its message before QEMU starts. Nothing may be written into the user's folder. Then the
# tutorial's component in a description with `arch power9`, booted on QEMU powernv9. Last, the
# run in a pseudo-terminal: Ctrl-C ends a timed run, Ctrl-A X an interactive one, QEMU with them.
set -uo pipefail
cd "$(dirname "$0")/../.."
export BULKHEAD=$PWD
logs=build/test-logs/tutorial
rm -rf "$logs" && mkdir -p "$logs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pass() { echo "PASS tutorial.$1"; }
fail() { echo "FAIL tutorial.$1: $2"; }

# The tutorial's blocks: for each fence, its info string, then its lines, into files
# $work/blocks/NNN.info and NNN.body.
mkdir -p "$work/blocks" "$work/my-system"
awk -v dir="$work/blocks" '
  /^```/ { if (inside) { inside = 0; close(body); next }
           inside = 1; n++; info = substr($0, 4); body = sprintf("%s/%03d.body", dir, n)
           printf "%s\n", info > sprintf("%s/%03d.info", dir, n); close(sprintf("%s/%03d.info", dir, n))
           printf "" > body; next }
  inside { print >> body }' docs/tutorial.md

if [ ! -s build/linux/vmlinux ] || [ ! -s build/linux/initramfs.cpio ]; then
  echo "SKIP tutorial: build/linux/vmlinux is missing (./bulkhead setup fetches it)"
  exit 0
fi

# ---- 1. The tutorial, block by block ----
user=$work/my-system
ok=1 files=0 commands=0
for info in "$work"/blocks/*.info; do
  body=${info%.info}.body
  read -r lang attr <"$info" || true
  case "$lang $attr" in
    *file=*)
      path=${attr#*file=}; path=${path%% *}
      mkdir -p "$user/$(dirname "$path")"
      cp "$body" "$user/$path"
      files=$((files + 1)) ;;
    "sh ")
      commands=$((commands + 1))
      if ! (cd "$user" && bash -e "$body") >>"$logs/tutorial.out" 2>&1; then
        ok=0
        fail follows_docs "command block $commands failed: $(tr '\n' ';' <"$body") (log: $logs/tutorial.out)"
        break
      fi ;;
  esac
done
[ "$files" -ge 2 ] && [ "$commands" -ge 3 ] || { ok=0; fail follows_docs "the tutorial has $files files and $commands command blocks: expected a description, a component and commands"; }
expect=$(for info in "$work"/blocks/*.info; do [ "$(cat "$info")" = "text expect" ] && cat "${info%.info}.body"; done)
if [ "$ok" = 1 ]; then
  [ -n "$expect" ] || { ok=0; fail follows_docs "docs/tutorial.md has no 'text expect' block"; }
  missing=""
  while IFS= read -r line; do
    [ -z "$line" ] || tr -d '\r' <"$logs/tutorial.out" | grep -qxF -- "$line" || missing+="'$line' "
  done <<<"$expect"
  if [ -n "$missing" ]; then
    fail follows_docs "the run did not print: $missing(log: $logs/tutorial.out)"
  else
    pass follows_docs
  fi
fi

# The archive holds the guests' images under the names with folders that my.bh gives them.
names=$(cpio -it --quiet <build/user/my/system.cpio 2>/dev/null | tr '\n' ' ')
case " $names" in
  *" images/vmlinux "*) case " $names" in *" images/ticker "*) pass archive_keeps_paths; names="" ;; esac ;;
esac
[ -z "$names" ] || fail archive_keeps_paths "build/user/my/system.cpio holds: $names"

# Nothing but what the tutorial wrote and copied is in the user's folder.
listing=$(cd "$user" && find . -mindepth 1 | LC_ALL=C sort | tr '\n' ' ')
want="./components ./components/hello ./components/hello/hello.c ./images ./images/initramfs.cpio ./images/ticker ./images/vmlinux ./my.bh "
if [ "$listing" = "$want" ]; then pass nothing_written_to_user_folder
else fail nothing_written_to_user_folder "the folder holds: $listing"; fi

# ---- 2. The mistakes: each a copy of the folder, one thing wrong ----
# mistake NAME SETUP PATTERN...: runs `bulkhead run my.bh --timeout 60` in a copy changed by
# SETUP (shell, run in the copy); it must exit non-zero, print every PATTERN (grep -E), and not
# start QEMU.
mistake() {
  local name=$1 setup=$2 copy=$work/$1 rc=0 p missing=""; shift 2
  cp -a "$user" "$copy"
  (cd "$copy" && eval "$setup")
  (cd "$copy" && "$BULKHEAD/bulkhead" run my.bh --timeout 60) >"$logs/$name.out" 2>&1 || rc=$?
  for p in "$@"; do grep -qE -- "$p" "$logs/$name.out" || missing+="'$p' "; done
  if [ "$rc" -eq 0 ]; then fail "$name" "exit status 0 (log: $logs/$name.out)"
  elif grep -q "booting" "$logs/$name.out"; then fail "$name" "QEMU was started (log: $logs/$name.out)"
  elif [ -n "$missing" ]; then fail "$name" "status $rc but no $missing(log: $logs/$name.out)"
  else pass "$name"; fi
}
hello_line=$(grep -n '^component hello' "$user/my.bh" | cut -d: -f1)
ticker_line=$(grep -n 'kernel "images/ticker"' "$user/my.bh" | cut -d: -f1)
mistake missing_source 'rm -r components/hello' \
  "^my\\.bh:$hello_line:1: error: component 'hello' has no sources: put its C files in .*/components/hello/"
mistake missing_image 'rm images/ticker' \
  "^my\\.bh:$ticker_line:5: error: kernel image 'images/ticker' not found: no file .*/images/ticker"
mistake component_does_not_compile 'printf "int broken(void) { return undeclared; }\n" >>components/hello/hello.c' \
  "components/hello/hello\\.c:[0-9]+:[0-9]+: error: .undeclared. undeclared" \
  "^bulkhead: my\\.bh: a component did not compile"
mistake refused_description 'sed -i "s/uses console log;/uses consol log;/" my.bh' \
  "^my\\.bh:[0-9]+:[0-9]+: error: unknown interface 'consol' \\[unknown_interface\\]" \
  "^bulkhead: my\\.bh: the IDL compiler refused the description"
mistake missing_description 'rm my.bh' "^bulkhead: my\\.bh: no such file"

# ---- 3. The tutorial's component on POWER9: a description with `arch power9` ----
if command -v qemu-system-ppc64 >/dev/null && [ -f build/power9/sysroot/.complete ]; then
  p9=$work/p9
  mkdir -p "$p9/components"
  cp -a "$user/components/hello" "$p9/components/"
  cat >"$p9/p9.bh" <<'BH'
// The tutorial's component on POWER9 (no guests there yet): the console server writes to
// OPAL's console.
platform powernv9 {
    arch power9;
    memory 128 MiB;
}
interface console {
    u32 put_string(in u8 text[96], in u32 len);
}
component console_server {
    provides console out;
    thread main priority 200;
    stack 8 KiB;
}
component hello {
    uses console log;
    thread main priority 100;
}
assembly {
    instance console_server console;
    instance hello greeter;
    connect rpc greeter.log -> console.out;
    schedule {
        partition system ticks 5 { console, greeter }
    }
}
BH
  rc=0
  (cd "$p9" && "$BULKHEAD/bulkhead" run p9.bh --timeout 60) >"$logs/power9.out" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ] && grep -q "(power9;" "$logs/power9.out" && grep -qx "\[greeter\] counting: 3 of 3" <(tr -d '\r' <"$logs/power9.out"); then
    pass power9_description_runs
  else
    fail power9_description_runs "status $rc, or no 'power9' build or '[greeter] counting: 3 of 3' (log: $logs/power9.out)"
  fi
else
  echo "SKIP tutorial.power9_description_runs: no qemu-system-ppc64 or POWER9 sysroot (./bulkhead setup)"
fi

# ---- 4. `./bulkhead run my.bh` in a terminal (`script` makes a pseudo-terminal) ----
descendants() {
  local c
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$c"; descendants "$c"; done
}
qemus_below() {
  local p
  for p in $(descendants "$1"); do
    case $(cat "/proc/$p/comm" 2>/dev/null) in qemu-system*) echo "$p" ;; esac
  done
}
is_qemu() { case $(cat "/proc/$1/comm" 2>/dev/null) in qemu-system*) return 0 ;; esac; return 1; }
# in_terminal NAME KEYS ARGS: runs `bulkhead run my.bh ARGS` in the tutorial's folder in a
# pseudo-terminal, types KEYS (printf format) once QEMU runs; the run and every QEMU it
# started must be gone within 15 s.
in_terminal() {
  local name=$1 keys=$2 args=$3 fifo=$work/$1.in spid qemus="" left="" q
  mkfifo "$fifo"
  # env --default-signal: a command started with & from a script ignores SIGINT, a terminal's does not.
  (cd "$user" && env --default-signal=INT script -qec "$BULKHEAD/bulkhead run my.bh $args" /dev/null) \
    <"$fifo" >"$logs/$name.out" 2>&1 &
  spid=$!
  exec 4>"$fifo"
  for _ in $(seq 1 1200); do # until its QEMU runs (at most 120 s: it builds first)
    qemus=$(qemus_below "$spid")
    [ -n "$qemus" ] && break
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$qemus" ]; then
    fail "$name" "no QEMU started within 120 s (log: $logs/$name.out)"
    kill "$spid" 2>/dev/null
  else
    sleep 3 # QEMU running, the terminal in its mode
    printf "$keys" >&4
    for _ in $(seq 1 150); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
    for _ in $(seq 1 50); do
      left=""
      for q in $qemus; do is_qemu "$q" && left="$left $q"; done
      [ -z "$left" ] && break
      sleep 0.1
    done
    if kill -0 "$spid" 2>/dev/null; then fail "$name" "the run went on 15 s after the keys (log: $logs/$name.out)"
    elif [ -n "$left" ]; then fail "$name" "QEMU left running:$left (log: $logs/$name.out)"
    else pass "$name"; fi
    for q in $left; do is_qemu "$q" && kill "$q" 2>/dev/null; done
    kill "$spid" 2>/dev/null
  fi
  exec 4>&-
  wait "$spid" 2>/dev/null
}
in_terminal ctrl_c_ends_a_timed_run '\003' '--timeout 300'
in_terminal ctrl_a_x_quits_an_interactive_run '\001x' ''
