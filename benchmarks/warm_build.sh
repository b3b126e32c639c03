#!/bin/bash
# Warm build after editing one record against a cold build of the same tree (issue 14, point 4),
# then `factcheck check` cold, after one edit and unchanged. README "factcheck check and the build cache".
# Usage: VENV=/path/to/venv benchmarks/warm_build.sh /tmp/keep/10000   (after run.py --keep /tmp/keep)
set -e
VENV=${VENV:-$(cd "$(dirname "$0")/.." && pwd)/.venv}
W=${1:?usage: benchmarks/warm_build.sh DIR (a tree kept by run.py --keep DIR/N, built once)}
cd $W
CONTENT=$(grep '^docs_dir' mkdocs.yml | awk '{print $2}')
echo "content: $CONTENT"; ls .cache/factcheck | head
CLAIM=$(ls $CONTENT/claims | head -500 | tail -1)  # the 500th (at 10,000 claims), or the last
echo "editing $CLAIM"
python3 - "$CONTENT/claims/$CLAIM" <<'PY'
import sys,re
p=sys.argv[1]; s=open(p).read()
s=s.replace("analysis: ", "analysis: Nachtrag zur Prüfung. ", 1) if "analysis: |" not in s else s.replace("analysis: |\n", "analysis: |\n  Nachtrag zur Prüfung.\n\n", 1)
open(p,'w').write(s)
PY
uptime
export NO_MKDOCS_2_WARNING=1
/usr/bin/time -f "WARM %e s wall %U user %S sys %M KB" $VENV/bin/mkdocs build --strict -f mkdocs.yml -d $W/site-warm 2>&1 | grep -E "WARM|pages rendered|factcheck:" | tail -6
uptime
mv .cache $W/.cache-warm-saved
/usr/bin/time -f "COLD %e s wall %U user %S sys %M KB" $VENV/bin/mkdocs build --strict -f mkdocs.yml -d $W/site-cold 2>&1 | grep -E "COLD|pages rendered|factcheck:" | tail -6
uptime
diff -r $W/site-warm $W/site-cold > $W/warm-cold.diff && echo "IDENTICAL OUTPUT" || (echo "DIFFER"; head -5 $W/warm-cold.diff)
# check: cold (no cache), then warm with one changed record
CHK=$(mktemp -d)
/usr/bin/time -f "CHECK-COLD %e s wall %U user" $VENV/bin/factcheck --content $CONTENT --config mkdocs.yml --cache $CHK check
python3 - "$CONTENT/claims/$CLAIM" <<'PY'
import sys
p=sys.argv[1]; s=open(p).read(); open(p,'w').write(s.replace("Nachtrag zur Prüfung.", "Nachtrag zur Prüfung!",1))
PY
sleep 2
/usr/bin/time -f "CHECK-ONE-EDIT %e s wall %U user" $VENV/bin/factcheck --content $CONTENT --config mkdocs.yml --cache $CHK check
/usr/bin/time -f "CHECK-UNCHANGED %e s wall %U user" $VENV/bin/factcheck --content $CONTENT --config mkdocs.yml --cache $CHK check
uptime
