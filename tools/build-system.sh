#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# build-system.sh [--platform x86|power9] [--boot [--timeout N]] SYSTEM.bh: builds a system description of one's own
# into a boot archive (what `./bulkhead build SYSTEM.bh` and `./bulkhead run SYSTEM.bh` do;
# docs/tutorial.md walks through it). Relative paths are taken from BULKHEAD_CWD (the folder
# the user typed the command in), or this one. Everything is written under build/user/NAME/
# (NAME: the description's file name without .bh); nothing is written next to the description.
#
# The convention, relative to the folder that holds SYSTEM.bh:
#   components/COMPONENT/*.c and *.S   the sources of component COMPONENT (all of them), compiled
#                                      with each instance's glue ("glue.h") and linked against the
#                                      runtime the demo components use (crt0, start_component,
#                                      libbh.a). Bulkhead's own servers (console_server,
#                                      timer_server, xenstore_server) come from servers/ when the
#                                      folder has no sources of that name.
#   kernel "PATH" and initrd "PATH"    a guest's images, PATH relative to that folder; the archive
#                                      holds each under PATH, the name the specification carries.
# Every problem (a file missing, a description refused, a component that does not compile) is
# reported with the file it concerns and ends the script with status 1 before anything boots.
# The archive is build/user/NAME/system.cpio; with --boot it is booted in QEMU next
# (tools/run-x86.sh or tools/run-power9.sh, their output also in build/user/NAME/run.log).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cwd=${BULKHEAD_CWD:-$PWD}
cd "$top"
me="bulkhead"

fail() { echo "$me: $*" >&2; exit 1; }

platform="" bh="" boot=0 run_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --platform) platform=${2:-}; shift 2 || shift ;;
    --platform=*) platform=${1#--platform=}; shift ;;
    --boot) boot=1; shift ;;
    --timeout) run_args+=(--timeout "${2:-}"); shift 2 || shift ;;
    --timeout=*) run_args+=(--timeout "${1#--timeout=}"); shift ;;
    -h|--help) awk 'NR > 4 && /^#/ { sub(/^# ?/, ""); print; next } NR > 4 { exit }' "$0"; exit 0 ;;
    -*) echo "$me: unknown option '$1'" >&2; exit 2 ;;
    *) [ -z "$bh" ] || { echo "$me: one system description at a time ('$bh', then '$1')" >&2; exit 2; }
       bh=$1; shift ;;
  esac
done
[ -n "$bh" ] || { echo "$me: which system description? (build-system.sh SYSTEM.bh)" >&2; exit 2; }

# The description as the user named it (for messages) and as a path from here.
case $bh in /*) bh_path=$bh ;; *) bh_path=$cwd/$bh ;; esac
[ -e "$bh_path" ] || fail "$bh: no such file"
[ -f "$bh_path" ] && [ -r "$bh_path" ] || fail "$bh: not a readable file"
src_dir=$(cd "$(dirname "$bh_path")" && pwd)
name=$(basename "$bh_path"); name=${name%.bh}; name=$(printf '%s' "$name" | tr -c 'A-Za-z0-9_.-' '_')
out=build/user/$name

# The platform: --platform, else the description's `arch power9`, else x86.
if [ -z "$platform" ]; then
  if grep -qE '^[^/]*\barch[[:space:]]+power9[[:space:]]*;' "$bh_path"; then platform=power9; else platform=x86; fi
fi
case $platform in
  x86) plat_dir=build/x86 cc_rule=u_cc as_rule=u_as link_rule=u_link ld=user/x86_64.ld
       order="build/gen/include/bulkhead/abi.h build/gen/include/bulkhead/invocations.h" ;;
  power9) plat_dir=build/power9 cc_rule=p9_ucc as_rule=p9_uas link_rule=p9_ulink ld=user/arch/ppc64le/ppc64le.ld
       order="build/gen/include/bulkhead/abi.h build/gen/include/bulkhead/invocations.h build/power9/sysroot/.complete build/power9/gcc-include" ;;
  *) echo "$me: no platform '$platform'; the platforms are x86 and power9" >&2; exit 2 ;;
esac

# where_in_bh REGEX WORD: "LINE:COL" of WORD in the first match of REGEX (an awk pattern)
# outside // comments, or 1:1.
where_in_bh() {
  re=$1 word=$2 awk 'BEGIN { at = "1:1" }
    { line = $0; sub(/\/\/.*/, "", line)
      if (match(line, ENVIRON["re"])) { at = NR ":" (RSTART + index(substr(line, RSTART), ENVIRON["word"]) - 1); exit } }
    END { print at }' "$bh_path"
}
# A name the user wrote, as a regular expression matching itself.
re_quote() { printf '%s' "$1" | sed 's/[][\\.^$*+?(){}|/]/\\&/g'; }

# ---- 1. The description, through the IDL compiler ----
ninja -f build.ninja build/idl/bhidl-fast >/dev/null || fail "could not build the IDL compiler (ninja build/idl/bhidl-fast)"
rm -rf "$out/idl"
mkdir -p "$out/idl"
if ! (cd "$cwd" && "$top/build/idl/bhidl-fast" -o "$top/$out/idl" --report "$bh") >"$out/report.txt"; then
  fail "$bh: the IDL compiler refused the description (above); nothing was built"
fi
dump=$(build/idl/bhidl-fast --dump-spec "$out/idl/system.spec")

# ---- 2. Each component's sources ----
. mk/sources.sh
builtin_list() { # the mk/sources.sh list of one of Bulkhead's own servers, or nothing
  case $1 in console_server|timer_server|xenstore_server) echo "$1" ;; esac
}
declare -A image_of_instance=() sources_of_image=() glue_of_image=()
images=()
while read -r inst image; do
  comp=${image%.elf}
  if [ -n "${glue_of_image[$image]:-}" ]; then
    # Instances of one component share its image: their glue must agree.
    cmp -s "${glue_of_image[$image]}/glue.h" "$out/idl/$inst/glue.h" ||
      fail "$bh: component '$comp' has several instances whose glue differs; give each its own component (one image per component in the boot archive)"
    continue
  fi
  srcs=()
  if [ -d "$src_dir/components/$comp" ]; then
    while IFS= read -r -d '' f; do srcs+=("$f"); done < <(find "$src_dir/components/$comp" -maxdepth 1 -type f \( -name '*.c' -o -name '*.S' \) -print0 | LC_ALL=C sort -z)
  fi
  if [ ${#srcs[@]} -eq 0 ] && [ -n "$(builtin_list "$comp")" ]; then
    declare -n list=$comp
    for e in "${list[@]}"; do
      case $e in *@power9*) [ "$platform" = power9 ] || continue ;; *@x86*) [ "$platform" = x86 ] || continue ;; esac
      e=${e%%=*}; srcs+=("$top/${e%@*}")
    done
    unset -n list
  fi
  if [ ${#srcs[@]} -eq 0 ]; then
    at=$(where_in_bh "(^|[^A-Za-z0-9_])component[[:space:]]+$(re_quote "$comp")([^A-Za-z0-9_]|\$)" component)
    echo "$bh:$at: error: component '$comp' has no sources: put its C files in $src_dir/components/$comp/ (see docs/tutorial.md)" >&2
    exit 1
  fi
  images+=("$image")
  glue_of_image[$image]=$out/idl/$inst
  sources_of_image[$image]=$(printf '%s\n' "${srcs[@]}")
  image_of_instance[$inst]=$image
done < <(sed -n 's/^  \[[0-9]*\] component \([^ ]*\) image=\([^ ]*\) .*/\1 \2/p' <<<"$dump")

# ---- 3. Each guest's images, relative to the description ----
declare -A guest_files=()
uses_vmm=0
while read -r kind file; do
  uses_vmm=1
  [ "$file" = - ] && continue
  case $file in
    /*|../*|*/../*|..) at=$(where_in_bh "$kind[[:space:]]+\"$(re_quote "$file")\"" "$kind")
      echo "$bh:$at: error: $kind '$file': name the image by a path inside the description's folder ($src_dir)" >&2; exit 1 ;;
  esac
  if [ ! -f "$src_dir/$file" ]; then
    at=$(where_in_bh "$kind[[:space:]]+\"$(re_quote "$file")\"" "$kind")
    echo "$bh:$at: error: $kind image '$file' not found: no file $src_dir/$file" >&2
    exit 1
  fi
  guest_files[$file]=$src_dir/$file
done < <(sed -n 's/^  \[[0-9]*\] instance=[0-9]* [^ ]* vcpus=[0-9]* memory=[^ ]* kernel=\([^ ]*\) initrd=\([^ ]*\) .*/kernel \1\ninitrd \2/p' <<<"$dump")
[ "$uses_vmm" = 0 ] || [ "$platform" = x86 ] || fail "$bh: guests run on x86 only so far (this description is for $platform)"

# ---- 4. The runtime, then the components (a ninja file of their own, with the same rules) ----
runtime=("$plat_dir/kernel.elf" "$plat_dir/root/root" "$plat_dir/u/crt0.o" "$plat_dir/u/start_component.o" "$plat_dir/u/libbh.a" $order)
[ "$uses_vmm" = 0 ] || runtime+=(build/x86/sys/vmm.elf)
ninja -f build.ninja "${runtime[@]}" || fail "could not build Bulkhead's runtime (ninja ${runtime[*]})"

# Sources by their own paths (compiler messages name the user's files); a folder whose path
# the shell would split is reached through a link without spaces, as ninja's rules pass paths
# to the shell unquoted.
src_at=$src_dir
case $src_dir in *[!A-Za-z0-9_./+-]*) ln -sfn "$src_dir" "$out/src"; src_at=$top/$out/src ;; esac
esc() { printf '%s' "$1" | sed 's/\$/$$/g; s/ /$ /g; s/:/$:/g'; }
{
  echo "# Generated by tools/build-system.sh for $bh: the components of this system."
  echo "include mk/rules.ninja"
  echo "builddir = $out"
  for image in "${images[@]}"; do
    glue=${glue_of_image[$image]} objs=""
    while IFS= read -r s; do
      case $s in "$src_dir"/*) s=$src_at/${s#"$src_dir"/} ;; *) s=${s#"$top"/} ;; esac
      o=$out/obj/${image%.elf}/$(basename "${s%.*}").o
      case $s in
        *.S) echo "build $(esc "$o"): $as_rule $(esc "$s")" ;;
        *) echo "build $(esc "$o"): $cc_rule $(esc "$s") || $glue/glue.h $order"
           echo "  extra = -I$glue" ;;
      esac
      objs+=" $(esc "$o")"
    done <<<"${sources_of_image[$image]}"
    echo "build $out/obj/${image%.elf}/glue.o: $cc_rule $glue/glue.c || $order"
    echo "  extra = -I$glue"
    echo "build $out/$image: $link_rule $plat_dir/u/crt0.o $plat_dir/u/start_component.o$objs $out/obj/${image%.elf}/glue.o $plat_dir/u/libbh.a | $ld"
  done
  echo "default ${images[*]/#/$out/}"
} >"$out/build.ninja"
if [ ${#images[@]} -gt 0 ] && ! ninja -f "$out/build.ninja"; then
  fail "$bh: a component did not compile (the compiler's messages above; sources under $src_dir/components/)"
fi

# ---- 5. The boot archive: every file under the name the specification gives it ----
pack=(-n root "$plat_dir/root/root" -n system.spec "$out/idl/system.spec")
for image in "${images[@]}"; do pack+=(-n "$image" "$out/$image"); done
[ "$uses_vmm" = 0 ] || pack+=(-n vmm.elf build/x86/sys/vmm.elf)
for file in "${!guest_files[@]}"; do pack+=(-n "$file" "${guest_files[$file]}"); done
tools/mkarchive.sh "$out/system.cpio" "${pack[@]}"
echo "$me: built $top/$out/system.cpio from $bh ($platform; the separation report: $top/$out/report.txt)"
[ "$boot" = 1 ] || exit 0
exec "tools/run-$platform.sh" --archive "$out/system.cpio" --log "$out/run.log" ${run_args[@]+"${run_args[@]}"}
