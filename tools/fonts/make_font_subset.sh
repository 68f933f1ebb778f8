#!/usr/bin/env bash
# Build assets/fonts/NotoSansSC-Sitboard.otf: a subset of Noto Sans CJK SC Regular
# (Debian package fonts-noto-cjk, SIL OFL 1.1) that covers ASCII, Latin-1, general
# punctuation, currency, letterlike symbols, number forms, arrows, common math operators,
# circled numbers, geometric shapes, CJK punctuation, full-width forms, all of GB2312,
# and every non-ASCII character used in the repository's data/, src/ and docs/.
#
# Re-run after adding text with rare characters to data/, src/ or docs/.
#
# Needs:  apt-get install -y fonts-noto-cjk
#         pip install fonttools==4.68.0 brotli==1.2.1
# Usage:  tools/fonts/make_font_subset.sh            (from anywhere)
#         SITBOARD_CJK_TTC=/path/NotoSansCJK-Regular.ttc tools/fonts/make_font_subset.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TTC="${SITBOARD_CJK_TTC:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}"
FACE="Noto Sans CJK SC"
OUT_DIR="$ROOT/assets/fonts"
OUT="$OUT_DIR/NotoSansSC-Sitboard.otf"
PY="${PYTHON:-python3}"
MAX_BYTES=3800000

if [[ ! -f "$TTC" ]]; then
  echo "error: $TTC not found; install it with: apt-get install -y fonts-noto-cjk" >&2
  exit 1
fi
if ! "$PY" -c 'import fontTools' 2>/dev/null; then
  echo "error: fontTools missing; install it with: pip install fonttools brotli" >&2
  exit 1
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT_DIR"

# 1. index of the SC Regular face inside the collection
FONT_NUMBER="$("$PY" - "$TTC" "$FACE" <<'EOF'
import sys
from fontTools.ttLib import TTCollection
ttc, face = sys.argv[1], sys.argv[2]
for i, f in enumerate(TTCollection(ttc, lazy=True).fonts):
    name = f["name"]
    if name.getDebugName(1) == face and name.getDebugName(2) == "Regular":
        print(i)
        break
else:
    sys.exit(f"face {face!r} Regular not found in {ttc}")
EOF
)"
echo "source: $TTC, face #$FONT_NUMBER ($FACE Regular)"

# 2. character set -> one hex code point per line
"$PY" - "$ROOT" "$WORK/unicodes.txt" "$WORK/repo_chars.txt" <<'EOF'
import sys
from pathlib import Path

root, out, repo_out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
cps = set()
ranges = {
    "ASCII": (0x20, 0x7E),
    "Latin-1 Supplement": (0xA0, 0xFF),
    "General Punctuation": (0x2000, 0x206F),
    "Currency Symbols": (0x20A0, 0x20CF),
    "Letterlike Symbols": (0x2100, 0x214F),
    "Number Forms": (0x2150, 0x218F),
    "Arrows": (0x2190, 0x21FF),
    "Enclosed Alphanumerics": (0x2460, 0x24FF),
    "Geometric Shapes": (0x25A0, 0x25FF),
    "CJK Symbols and Punctuation": (0x3000, 0x303F),
    "Halfwidth and Fullwidth Forms": (0xFF00, 0xFFEF),
}
for lo, hi in ranges.values():
    cps.update(range(lo, hi + 1))
# math operators in common use: ≤ ≥ × ÷ ± − ≠ ≈ ∞ √ ∑ ‰ (× ÷ ± are Latin-1)
cps.update(map(ord, "≤≥×÷±−≠≈∞√∑‰℃№"))

# every valid GB2312 code point (rows 0xA1-0xF7, cells 0xA1-0xFE)
gb = set()
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            ch = bytes([hi, lo]).decode("gb2312")
        except UnicodeDecodeError:
            continue
        gb.add(ord(ch))
cps |= gb

# every non-ASCII character in the repository's text files under data/, src/, docs/
repo = set()
nfiles = 0
for sub in ("data", "src", "docs"):
    base = root / sub
    if not base.is_dir():
        continue
    for p in sorted(base.rglob("*")):
        if not p.is_file() or p.stat().st_size > 50_000_000:
            continue
        try:
            text = p.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary file
        nfiles += 1
        repo.update(ord(c) for c in text if ord(c) > 0x7E and c.isprintable())
extra = sorted(repo - cps)
cps |= repo
out.write_text("".join(f"{cp:04X}\n" for cp in sorted(cps)), encoding="ascii")
repo_out.write_text("".join(map(chr, sorted(repo))), encoding="utf-8")
print(f"charset: {len(cps)} code points requested ({len(gb)} from GB2312, "
      f"{len(repo)} non-ASCII in {nfiles} repo files, {len(extra)} of them outside the "
      f"fixed ranges and GB2312: {''.join(map(chr, extra))})")
EOF

# 3. subset (CFF outlines stay CFF: the output is an OpenType/CFF .otf).
#    pyftsubset's default layout features, minus 'locl' (its closure pulls in ~5,800
#    Japanese/Korean/Traditional glyph variants that an SC-only UI never selects) and the
#    vertical-writing features (egui lays text out horizontally only).
"$PY" -m fontTools.subset "$TTC" \
  --font-number="$FONT_NUMBER" \
  --unicodes-file="$WORK/unicodes.txt" \
  --no-hinting \
  --notdef-outline \
  --name-IDs='*' \
  --name-languages='*' \
  --layout-features-=locl,vert,vrt2,vkrn,vpal,valt,vhal \
  --drop-tables+=BASE \
  --output-file="$OUT"

# 4. check
"$PY" - "$OUT" "$MAX_BYTES" "$WORK/repo_chars.txt" <<'EOF'
import os, sys
from fontTools.ttLib import TTFont
path, max_bytes = sys.argv[1], int(sys.argv[2])
repo_chars = open(sys.argv[3], encoding="utf-8").read()
f = TTFont(path)
cmap = f.getBestCmap()
need = "黑龙江省哈尔滨市绥化疫情防控指挥部箐" + "".join(map(chr, range(0x20, 0x7F))) + "，。、：；！？（）【】《》“”—…·≤≥×÷±−→←↑↓■□●○▲△€℃№Ⅱ①"
missing = [c for c in need if ord(c) not in cmap]
size = os.path.getsize(path)
outline = "CFF" if "CFF " in f else "TrueType"
print(f"{path}: {size} bytes, {f['maxp'].numGlyphs} glyphs, {len(cmap)} mapped code points, "
      f"{outline} outlines, tables {' '.join(sorted(f.keys()))}")
if missing:
    sys.exit(f"missing from subset: {''.join(missing)}")
absent = [c for c in repo_chars if ord(c) not in cmap]
if absent:
    print("warning: used in data/, src/ or docs/ but not in Noto Sans CJK SC (egui falls back "
          "to its other fonts for these): " + " ".join(f"U+{ord(c):04X} {c}" for c in absent))
if size > max_bytes:
    sys.exit(f"subset is {size} bytes > {max_bytes}")
print("check OK: required characters and ASCII present")
EOF

# 5. license text beside the font: copyright/trademark from the font's name table, OFL 1.1
#    text from the Debian package's copyright file.
"$PY" - "$OUT" "${SITBOARD_CJK_COPYRIGHT:-/usr/share/doc/fonts-noto-cjk/copyright}" "$OUT_DIR/OFL.txt" <<'EOF'
import sys
from fontTools.ttLib import TTFont
font, deb_copyright, out = sys.argv[1:4]
name = TTFont(font)["name"]
lines = open(deb_copyright, encoding="utf-8").read().splitlines()
# the stand-alone license paragraph (not the "License:" field of a Files stanza)
start = next(i + 1 for i, l in enumerate(lines)
             if l.strip() == "License: SIL-1.1" and i + 1 < len(lines) and lines[i + 1].startswith(" "))
body = []
for line in lines[start:]:
    if line and not line.startswith(" "):
        break
    line = line[1:]
    body.append("" if line == "." else line)
while body and not body[-1]:
    body.pop()
text = (
    "Noto Sans CJK SC (subset: NotoSansSC-Sitboard.otf)\n"
    f"{name.getDebugName(0)}\n"
    f"{name.getDebugName(7)}\n\n"
    "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
    "This license is copied below, and is also available with a FAQ at:\n"
    "https://openfontlicense.org\n\n"
    + "\n".join(body) + "\n"
)
open(out, "w", encoding="utf-8").write(text)
print(f"wrote {out}")
EOF
