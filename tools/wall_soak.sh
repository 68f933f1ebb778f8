#!/usr/bin/env bash
# The wall's soak and heavy-ingest runs (issue 18): the release board in wall mode under Xvfb,
# following a live-demo hub, sampled from /proc. Prints one summary line at the end.
#
#   tools/wall_soak.sh soak  [SECONDS]   # hub at 0.2 s per day, the board polling every 0.5 s,
#                                        # a playlist turning every second through every view
#   tools/wall_soak.sh heavy [SECONDS]   # a new document every 0.5 s (--demo-speed 0.5),
#                                        # polled every 0.5 s; the wall on one view
#   tools/wall_soak.sh idle  [SECONDS]   # the wall on a fixed view, data from files: the clock
#                                        # alone repaints it (CPU ticks and frames per second)
#
# Needs target/release/sitboard and sitboard-hub (cargo build --release), Xvfb, and the
# bundled demo (data/demo). SOAK_SIZE=WxH (default 1920x1080), SOAK_RENDERER (default auto),
# CARGO_TARGET_DIR are honoured. RSS and CPU ticks come from /proc/PID (every SOAK_SAMPLE_S
# seconds, default 1), frame figures from the board's --frame-stats lines (longest frame,
# textures), every 10 s. SOAK_LOG=FILE keeps the samples ("unix-time RSS-KiB demo-day-index";
# the day index is the hub's, from /v1/health).
#
# The demo hub loops over its days (131 at 0.2 s: a loop every 26 s), so the served document
# grows through a loop and shrinks at the next: RSS at the end against the start depends on
# the loop's phase. The fair growth figure compares the same phase: each complete loop's
# peak and trough, the first complete loop against the last, and the trend of the loops'
# peaks and troughs over the run (least squares, less noisy); the raw start/end is kept.
set -euo pipefail

mode=${1:-soak}
secs=${2:-1800}
size=${SOAK_SIZE:-1920x1080}
renderer=${SOAK_RENDERER:-auto}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${CARGO_TARGET_DIR:-$root/target}/release
case "$mode" in soak|heavy|idle) ;; *) echo "usage: $0 soak|heavy|idle [SECONDS]" >&2; exit 2 ;; esac
[[ "$secs" =~ ^[0-9]+$ ]] && (( secs >= 30 )) || { echo "SECONDS must be a whole number, at least 30" >&2; exit 2; }
for b in sitboard sitboard-hub; do
    [[ -x "$bin/$b" ]] || { echo "$bin/$b missing: cargo build --release --bin sitboard --bin sitboard-hub" >&2; exit 2; }
done
command -v Xvfb >/dev/null || { echo "Xvfb is not installed" >&2; exit 2; }

work=$(mktemp -d /tmp/wall-soak.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# A display of our own.
disp=:$(( 90 + RANDOM % 100 ))
Xvfb "$disp" -screen 0 "${size}x24" -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [[ -e /tmp/.X11-unix/X${disp#:} ]] && break; sleep 0.1; done
export DISPLAY=$disp

data=()
if [[ $mode != idle ]]; then
    speed=0.2; [[ $mode == heavy ]] && speed=0.5
    "$bin/sitboard-hub" --data "$root/data/demo" --demo-speed "$speed" --demo-start 2020-01-23 \
        --listen 127.0.0.1:0 --no-archive --journal-dir "$work/hub" >"$work/hub.out" 2>"$work/hub.err" &
    pids+=($!)
    for _ in $(seq 100); do grep -q "listening on" "$work/hub.out" 2>/dev/null && break; sleep 0.1; done
    url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/hub.out" | head -1)
    [[ -n "$url" ]] || { echo "the hub did not start: $(cat "$work/hub.err")" >&2; exit 1; }
    data=(--data "$url/v1/feed" --interval 0.5)
else
    data=(--data "$root/data/demo" --date 2020-02-20)
fi

# The playlist: every view, one second each (soak); one fixed view otherwise.
if [[ $mode == soak ]]; then
    cat >"$work/sitboard.toml" <<'TOML'
[wall]
playlist = [
  { view = "wall", region = 230000, dwell_s = 1 },
  { view = "map", region = 230000, map_colour = "active", dwell_s = 1 },
  { view = "curves", region = 230100, dwell_s = 1 },
  { view = "compare", region = 230000, dwell_s = 1 },
  { view = "multiples", region = 230000, dwell_s = 1 },
  { view = "overview", region = 230000, dwell_s = 1 },
  { view = "checkpoints", region = 231200, dwell_s = 1 },
  { view = "wall", region = 231200, dwell_s = 1 },
]
TOML
else
    printf '[wall]\nplaylist = [{ view = "wall", region = 230000 }]\n' >"$work/sitboard.toml"
fi

"$bin/sitboard" "${data[@]}" --wall --size "$size" --renderer "$renderer" --frame-stats \
    --config "$work/sitboard.toml" --data-dir "$work/board" >"$work/board.out" 2>"$work/board.err" &
board=$!
pids+=($board)

hz=$(getconf CLK_TCK)
rss() { awk '/^VmRSS/ {print $2}' "/proc/$board/status" 2>/dev/null || echo 0; }
every=${SOAK_SAMPLE_S:-1}
[[ "$every" =~ ^[0-9]+$ ]] && (( every >= 1 )) || { echo "SOAK_SAMPLE_S must be a whole number of seconds, at least 1" >&2; exit 2; }
# The hub's demo day index (-1 without a hub or when it does not answer).
day_index() {
    [[ -n "${url:-}" ]] || { echo -1; return; }
    curl -s --max-time 1 "$url/v1/health" 2>/dev/null | sed -n 's/.*"day_index":\([0-9]*\).*/\1/p' | grep . || echo -1
}
ticks() { awk '{print $14 + $15}' "/proc/$board/stat" 2>/dev/null || echo 0; }

# Warm-up: the first data, the first round of views.
warm=30; (( secs < 90 )) && warm=10
sleep "$warm"
kill -0 "$board" 2>/dev/null || { echo "the board exited: $(tail -5 "$work/board.err")" >&2; exit 1; }
rss0=$(rss); t0=$(ticks); start=$(date +%s.%N)
rss_min=$rss0; rss_max=$rss0
end=$(( $(date +%s) + secs - warm ))
while (( $(date +%s) < end )); do
    sleep "$every"
    kill -0 "$board" 2>/dev/null || { echo "the board exited during the run: $(tail -5 "$work/board.err")" >&2; exit 1; }
    r=$(rss); (( r < rss_min )) && rss_min=$r; (( r > rss_max )) && rss_max=$r
    echo "$(date +%s) $r $(day_index)" >>"$work/rss.log"
done
touch "$work/rss.log"
[[ -n "${SOAK_LOG:-}" ]] && cp "$work/rss.log" "$SOAK_LOG"
# Loops: a new one starts when the hub's day index goes down. The first and the last loop
# of the run are partial; the complete ones between give the same-phase figures.
loops=$(awk 'BEGIN { k = 0 } $3 >= 0 {
        if (n && $3 < last) { k++ }
        if (!(k in peak) || $2 > peak[k]) peak[k] = $2
        if (!(k in trough) || $2 < trough[k]) trough[k] = $2
        last = $3; n++
    }
    END {
        if (k < 2) { print "no complete loop of the demo"; exit }
        for (i = 1; i < k; i++) {
            printf "loop %d: peak %d MB, trough %d MB\n", i, peak[i] / 1024, trough[i] / 1024 > "/dev/stderr"
        }
        printf "%d complete loops: peak %d -> %d MB (%.2f %%), trough %d -> %d MB (%.2f %%), highest peak %d MB; trend over the run (least squares): peaks %+.1f MB (%+.2f %%), troughs %+.1f MB",
            k - 1, peak[1] / 1024, peak[k - 1] / 1024, 100 * (peak[k - 1] - peak[1]) / peak[1],
            trough[1] / 1024, trough[k - 1] / 1024, 100 * (trough[k - 1] - trough[1]) / trough[1],
            maxpeak() / 1024, trend(peak) / 1024, 100 * trend(peak) / mean(peak), trend(trough) / 1024
    }
    function maxpeak(   i, m) { for (i = 1; i < k; i++) if (peak[i] > m) m = peak[i]; return m }
    function mean(a,   i, s) { for (i = 1; i < k; i++) s += a[i]; return s / (k - 1) }
    # The least-squares slope of a per-loop figure, times the number of loops.
    function trend(a,   i, n, sx, sy, sxx, sxy) {
        n = k - 1
        if (n < 2) return 0
        for (i = 1; i <= n; i++) { sx += i; sy += a[i]; sxx += i * i; sxy += i * a[i] }
        return n * (n * sxy - sx * sy) / (n * sxx - sx * sx)
    }' "$work/rss.log")
rss1=$(rss); t1=$(ticks); elapsed=$(echo "$(date +%s.%N) - $start" | bc)
stats="$work/board.err"
# The per-10-s lines after the warm-up: frames, longest frame, textures.
lines=$(grep "frame stats (last" "$stats" | tail -n +$(( warm / 10 + 1 )) || true)
frames=$(echo "$lines" | sed -n 's/.*: \([0-9]*\) frames;.*/\1/p' | awk '{s+=$1} END {print s+0}')
longest=$(echo "$lines" | sed -n 's/.*longest frame \([0-9.]*\) ms.*/\1/p' | sort -g | tail -1)
tex_first=$(echo "$lines" | sed -n 's/.*textures \([0-9]* ([0-9.]* KiB)\).*/\1/p' | head -1)
tex_last=$(echo "$lines" | sed -n 's/.*textures \([0-9]* ([0-9.]* KiB)\).*/\1/p' | tail -1)
cpu=$(echo "scale=1; 100 * ($t1 - $t0) / $hz / $elapsed" | bc)
growth=$(echo "scale=2; 100 * ($rss1 - $rss0) / $rss0" | bc)
fps=$(echo "scale=2; $frames / $elapsed" | bc)
[[ $mode == idle ]] && loops="no hub"
versions=$(grep -c "live: dataset rebuilt" "$stats" || true)
echo "wall $mode ${elapsed%.*} s at $size (after ${warm} s warm-up): same phase: $loops; raw RSS $((rss0/1024)) -> $((rss1/1024)) MB (${growth} %), min $((rss_min/1024)) max $((rss_max/1024)) MB; CPU ${cpu} % of a core; $frames frames (${fps}/s); longest frame ${longest:-?} ms; $versions datasets built from the feed; textures ${tex_first:-?} -> ${tex_last:-?}; $(grep -m1 -o 'renderer [^;]*' "$stats" || echo 'renderer ?')"
