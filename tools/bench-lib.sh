# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Helpers of the benchmark scripts (sourced): numbers that are valid JSON, medians with their
# spread, a check that every JSON file parses, and bar charts written as SVG.

# json_num X: X as a JSON number ("-" or "" or anything not a number: null). bc prints ".91"
# for 0.91, which JSON does not allow.
json_num() {
  local x=${1:-}
  case $x in
    .*) x=0$x ;;
    -.*) x=-0${x#-} ;;
  esac
  if [[ $x =~ ^-?(0|[1-9][0-9]*)(\.[0-9]+)?$ ]]; then printf '%s' "$x"; else printf null; fi
}

# json_list X...: "[x1, x2, ...]" of json_num values.
json_list() {
  local out="" x
  for x in "$@"; do out+="${out:+, }$(json_num "$x")"; done
  printf '[%s]' "$out"
}

# median_spread X...: "MEDIAN MIN MAX" of numbers (the median of an even count is the mean of
# the two middle values), each with a leading digit.
median_spread() {
  printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {
    if (NR == 0) { print "- - -"; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.6f %.6f %.6f\n", m, v[1], v[NR] }' | awk '{for (i = 1; i <= NF; i++) { x = $i + 0; $i = sprintf("%.3f", x); sub(/0+$/, "", $i); sub(/\.$/, "", $i) } print}'
}

# json_parser: the command that checks a JSON file on this machine (Debian's python3, or jq).
json_parser() {
  if [ -x /usr/bin/python3 ]; then echo "/usr/bin/python3 -m json.tool"
  elif command -v jq >/dev/null; then echo "jq empty"
  else return 1; fi
}

# json_check FILE...: fails naming each file that does not parse.
json_check() {
  local parser f bad=0
  parser=$(json_parser) || { echo "bench: no JSON parser (python3 or jq) to check the output" >&2; return 1; }
  for f in "$@"; do
    $parser "$f" >/dev/null 2>&1 || { echo "bench: $f is not valid JSON" >&2; bad=1; }
  done
  return "$bad"
}

# svg_bars OUT TITLE SERIES... < ROWS: a horizontal bar chart, one group of bars per row
# "label|v1|v2|..." (one value per series; "-" or empty draws no bar), scaled to the largest value.
svg_bars() {
  local out=$1 title=$2; shift 2
  local IFS='|'
  awk -F'|' -v title="$title" -v series="$*" '
    function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); return s }
    { n++; label[n] = $1; for (i = 2; i <= NF; i++) { v[n, i - 1] = $i; if ($i != "-" && $i != "" && $i + 0 > max) max = $i + 0 } }
    END {
      ns = split(series, name, "|"); split("#4a7ab5 #b5834a #6aa84f #999999", colour, " ")
      bar = 16; group = ns * (bar + 2) + 12; h = 60 + n * group + 20 * ns
      if (max == 0) max = 1
      printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"860\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", h
      printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
      printf "<text x=\"10\" y=\"20\" font-size=\"14\">%s</text>\n", esc(title)
      for (s = 1; s <= ns; s++)
        printf "<rect x=\"%d\" y=\"30\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"41\">%s</text>\n", 10 + (s - 1) * 210, colour[s], 26 + (s - 1) * 210, esc(name[s])
      y = 56
      for (r = 1; r <= n; r++) {
        printf "<text x=\"10\" y=\"%d\">%s</text>\n", y + bar, esc(label[r])
        for (s = 1; s <= ns; s++) {
          x = v[r, s]
          if (x != "-" && x != "") {
            w = int(x * 380 / max + 0.5)
            printf "<rect x=\"360\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n", y, w, bar, colour[s], 366 + w, y + bar - 3, x
          }
          y += bar + 2
        }
        y += 12
      }
      print "</svg>"
    }' >"$out"
}
