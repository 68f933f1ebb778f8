#!/bin/bash
# The README's directive-acks.png from the real programs: a hub with three officers, the
# province's urgent directive to 道外区 and 南岗区, 道外区's acknowledgment, and the issuer's
# board (CPU renderer under Xvfb) past the deadline ([acknowledgment] urgent_minutes = 1),
# the directive selected by a click at (CX, CY) in its list. Needs Xvfb, ImageMagick's
# `import`, xdotool and curl; BIN: the folder of sitboard and sitboard-hub (a release build
# loads the demo in seconds; WAIT: seconds before the picture, above a minute).
set -euo pipefail
T=${WORK:-/tmp/directive-acks}; rm -rf $T; mkdir -p $T/hubj $T/prov $T/home/.config/sitboard
export HOME=$T/home XDG_CONFIG_HOME=$T/home/.config XDG_DATA_HOME=$T/home/.local/share
B=${BIN:-target/release}
cd "$(dirname "$0")/../.."
add() { $B/sitboard-hub officer add "$1" --name "$2" --unit "$3" --scope "$4" --role "$5" --journal-dir $T/hubj | tail -1; }
PROV=$(add prov01 王伟 黑龙江省应对疫情工作指挥部 230000 issue)
DW=$(add daowai01 李娜 道外区指挥部 230104 acknowledge)
NG=$(add nangang01 张强 南岗区指挥部 230103 acknowledge)
$B/sitboard-hub --data data/demo --listen 127.0.0.1:0 --journal-dir $T/hubj > $T/hub.log 2>&1 &
HUBPID=$!
for i in $(seq 1 900); do grep -q "listening on" $T/hub.log && break; sleep 0.1; done
URL=$(grep -o "http://[0-9.:]*" $T/hub.log | head -1)
echo "hub $URL"
$B/sitboard journal issue --number 省指12号 --issuer 黑龙江省应对疫情工作指挥部 \
  --title "关于主城区社区严格落实临时性管控措施的通知" --body "道外区、南岗区：即日起严格落实临时性管控措施，逐小区核查落实情况，2小时内报告。" \
  --scope 230104,230103 --priority urgent --category residential_control --officer prov01 \
  --hub $URL --token $PROV --data-dir $T/prov
sleep 1
curl -s -X POST $URL/v1/directives/events -H "Authorization: Bearer $DW" -H "Idempotency-Key: ack-dw-1" \
  -H "Content-Type: application/json" \
  -d '{"kind":"acknowledged","issuer":"黑龙江省应对疫情工作指挥部","number":"省指12号","officer":"daowai01","unit":"230104","reason":"已部署，逐小区核查","local_seq":1,"local_at":"2026-01-01T00:00:00Z","local_hash":"ab"}'
echo
printf '[acknowledgment]\nurgent_minutes = 1\n' > $T/sitboard.toml
Xvfb :77 -screen 0 1600x1000x24 >/dev/null 2>&1 &
XPID=$!
sleep 1
DISPLAY=:77 $B/sitboard --hub $URL --token $PROV --data-dir $T/prov --config $T/sitboard.toml \
  --view directives --renderer cpu --size 1600x1000 > $T/board.log 2>&1 &
BPID=$!
sleep ${WAIT:-90}
DISPLAY=:77 xdotool mousemove ${CX:-541} ${CY:-484} click 1
sleep 3
DISPLAY=:77 import -window root ${OUT:-docs/screenshots}/directive-acks.png
kill $BPID $XPID $HUBPID
wait 2>/dev/null || true
echo done
