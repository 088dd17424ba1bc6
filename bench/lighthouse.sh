#!/usr/bin/env bash
# Lighthouse 12.2.3 (npm, pinned in bench/package-lock.json) on every public page type, mobile preset,
# with Debian's chromium (CHROME_PATH); gunicorn with DEBUG off on loopback; prints the score table.
#
#   bash bench/lighthouse.sh                  # every page type (about 5 minutes)
#   LH_PATHS="/ /permits/" bash bench/lighthouse.sh
#
# Not a test: the targets (performance >= 95, the other three 100) are read from the table.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PY:-.venv/bin/python}
GUNICORN=${GUNICORN:-.venv/bin/gunicorn}
OUT=bench/out
PORT=${BENCH_PORT:-8029}
BASE="http://127.0.0.1:$PORT"
mkdir -p "$OUT/lighthouse"

export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
[[ -x "$CHROME_PATH" ]] || { echo "缺少 chromium：sudo apt-get install -y chromium"; exit 1; }
command -v npm >/dev/null || { echo "缺少 npm：sudo apt-get install -y npm"; exit 1; }
if [[ ! -x bench/node_modules/.bin/lighthouse || bench/package-lock.json -nt bench/node_modules/.package-lock.json ]]; then
  (cd bench && npm ci --no-audit --no-fund --loglevel=error)
fi

export DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECRET_KEY="bench-only-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export DJANGO_LOG_LEVEL=${DJANGO_LOG_LEVEL:-ERROR}
export DATABASE_URL=${DATABASE_URL:-sqlite:///$ROOT/$OUT/lighthouse.sqlite3}
export PORTAL_DEMO_PASSWORD=${PORTAL_DEMO_PASSWORD:-Bench-Demo-Pass-2024!}

$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
PORTAL_OPEN_DATA_BACKGROUND=0 $PY manage.py seed_demo >/dev/null

read -r ITEM GUIDE SERVICE POWER BUNDLE < <($PY manage.py shell -c "
from intermediaries.models import IntermediaryService
from permits.models import EditionStatus, HandlingItem, OneThing, PermitItem, PowerCatalogue
pub = EditionStatus.PUBLISHED
print(PermitItem.objects.filter(edition__status=pub).order_by('seq').values_list('code', flat=True).first(),
      HandlingItem.objects.filter(edition__status=pub).order_by('pk').values_list('code', flat=True).first(),
      IntermediaryService.objects.filter(edition__status=pub).order_by('pk').values_list('pk', flat=True).first(),
      PowerCatalogue.objects.filter(status=pub).order_by('pk').values_list('pk', flat=True).first(),
      OneThing.objects.order_by('pk').values_list('pk', flat=True).first())
" | tail -1)
if [[ -n "${LH_PATHS:-}" ]]; then
  read -r -a PATHS <<<"$LH_PATHS"
else
  PATHS=(/ /permits/ "/permits/?q=食品" "/permits/$ITEM/" "/permits/guide/$GUIDE/" /permits/changes/
         /intermediaries/ "/intermediaries/$SERVICE/" /powers/ "/powers/$POWER/" /one-things/ "/one-things/$BUNDLE/"
         /reports/ /reports/2024/ /sitemap/)
fi

GUNICORN_BIND="127.0.0.1:$PORT" "$GUNICORN" -c portal/gunicorn.conf.py portal.wsgi >>"$OUT/lighthouse-gunicorn.log" 2>&1 &
GUNICORN_PID=$!
trap 'kill $GUNICORN_PID 2>/dev/null; wait $GUNICORN_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "$BASE/healthz" && break; sleep 0.2; done

REPORTS=()
n=0
for raw in "${PATHS[@]}"; do
  n=$((n + 1))
  url=$BASE$($PY -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe="/?=&%:+"))' "$raw")
  report="$OUT/lighthouse/page-$n.json"
  # Warm the page cache once, as a second visitor would find it.
  curl -s -o /dev/null "$url"
  bench/node_modules/.bin/lighthouse "$url" --quiet --output=json --output-path="$report" \
    --only-categories=performance,accessibility,best-practices,seo \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --no-first-run" || { echo "$raw: lighthouse 失败"; continue; }
  REPORTS+=("$report|$raw")
done

$PY - "${REPORTS[@]}" <<'PYEOF'
import json, sys, unicodedata

def width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

rows = []
for arg in sys.argv[1:]:
    report, path = arg.split("|", 1)
    data = json.load(open(report, encoding="utf-8"))
    cats = data["categories"]
    audits = data["audits"]
    failed = [a for a in ("accessibility", "best-practices", "seo") if (cats[a]["score"] or 0) < 1]
    worst = [k for c in failed for ref in cats[c]["auditRefs"] if ref["weight"] > 0
             for k in [ref["id"]] if (audits[k].get("score") is not None and audits[k]["score"] < 1)]
    rows.append((path, *(round((cats[c]["score"] or 0) * 100) for c in
                         ("performance", "accessibility", "best-practices", "seo")),
                 audits["cumulative-layout-shift"]["numericValue"], audits["largest-contentful-paint"]["numericValue"],
                 ", ".join(worst[:4])))
header = ("页面", "性能", "无障碍", "最佳实践", "SEO", "CLS", "LCP ms", "未满分的审计")
col = max(width(r[0]) for r in rows + [header]) + 2
def pad(text, n, right=True):
    space = " " * max(n - width(str(text)), 0)
    return space + str(text) if right else str(text) + space

widths = (col, 6, 8, 10, 5, 7, 8)
print("".join(pad(h, w, i > 0) for i, (h, w) in enumerate(zip(header, widths))) + "  " + header[-1])
for r in rows:
    cells = (r[0], r[1], r[2], r[3], r[4], f"{r[5]:.3f}", f"{r[6]:.0f}")
    print("".join(pad(c, w, i > 0) for i, (c, w) in enumerate(zip(cells, widths))) + "  " + r[7])
print("目标：性能 ≥ 95，无障碍、最佳实践、SEO 100（搜索结果页有意 noindex，SEO 除外）")
PYEOF
