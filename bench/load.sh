#!/usr/bin/env bash
# Load test on loopback: gunicorn (DEBUG off) + wrk, bounded in time, then everything is stopped.
#
#   bash bench/load.sh                       # 30 s per page at 32 connections (about 6 minutes)
#   BENCH_DURATION=5s bash bench/load.sh     # a quick run
#
# Environment: DATABASE_URL (PostgreSQL if set, else a SQLite file in bench/out/), BENCH_DURATION,
# BENCH_CONNECTIONS, BENCH_THREADS, BENCH_PORT (8019), BENCH_SCALE (10), BENCH_PHASES ("uncached cached"),
# BENCH_PATHS (override the page list), BENCH_REDIS (1: a throwaway Redis as the shared cache).
# The redis-down phase points the cache at a port where no Redis listens: it must stay as fast as uncached.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PY:-.venv/bin/python}
GUNICORN=${GUNICORN:-.venv/bin/gunicorn}
OUT=bench/out
mkdir -p "$OUT"

DURATION=${BENCH_DURATION:-30s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
PORT=${BENCH_PORT:-8019}
SCALE=${BENCH_SCALE:-10}
PHASES=${BENCH_PHASES:-uncached cached redis-down}
BASE="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { echo "缺少 wrk：sudo apt-get install -y wrk"; exit 1; }

export DJANGO_DEBUG=0
export DJANGO_SECURE_SSL_REDIRECT=0
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECRET_KEY="bench-only-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export PORTAL_PERSONAL_DATA_KEYS="$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' 2>/dev/null || true)"
export DJANGO_LOG_LEVEL=${DJANGO_LOG_LEVEL:-ERROR}
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  echo "数据库：PostgreSQL（$(sed -E 's#://[^@]*@#://***@#' <<<"$DATABASE_URL")）"
else
  export DATABASE_URL="sqlite:///$ROOT/$OUT/bench.sqlite3"
  echo "数据库：SQLite（$OUT/bench.sqlite3；设置 DATABASE_URL=postgres://… 则用 PostgreSQL）"
fi

PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# A throwaway Redis as the shared cache, as in production (no persistence, loopback only).
if [[ "${BENCH_REDIS:-1}" == 1 && -z "${REDIS_URL:-}" ]] && command -v redis-server >/dev/null; then
  REDIS_PORT=$((PORT + 1000))
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$OUT/redis.log" 2>&1 &
  PIDS+=($!)
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  for _ in $(seq 1 25); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.2; done
  echo "缓存：Redis（$REDIS_URL，测试结束即停止）"
else
  echo "缓存：${REDIS_URL:-各进程本地内存}"
fi

echo "== 准备数据 =="
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
if $PY manage.py help seed_demo >/dev/null 2>&1; then
  # The open-data files are written here, timed, rather than by a background process during the load.
  $PY manage.py seed_demo --scale "$SCALE"
  $PY manage.py open_data_build
else
  echo "跳过：本分支还没有 seed_demo 命令（合并后自动生成 --scale $SCALE 的演示数据）"
fi

ITEM_CODE=$($PY manage.py shell -c "
from permits.models import EditionStatus, PermitItem
print(PermitItem.objects.filter(edition__status=EditionStatus.PUBLISHED).order_by('pk').values_list('code', flat=True).first() or '')
" 2>/dev/null | tail -1 || true)

if [[ -n "${BENCH_PATHS:-}" ]]; then
  read -r -a PATHS <<<"$BENCH_PATHS"
else
  PATHS=(/healthz /permits/ "/permits/?q=食品")
  if [[ -n "$ITEM_CODE" ]]; then PATHS+=("/permits/$ITEM_CODE/"); else echo "跳过事项页：数据库中没有已发布的事项"; fi
  PATHS+=(/permits/export.json)
fi

start_gunicorn() {
  REDIS_URL=${2:-${REDIS_URL:-}} PUBLIC_CACHE_ENABLED=$1 GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_ACCESS_LOG="$ROOT/$OUT/access.log" \
    "$GUNICORN" -c portal/gunicorn.conf.py portal.wsgi >>"$OUT/gunicorn.log" 2>&1 &
  GUNICORN_PID=$!
  PIDS+=("$GUNICORN_PID")
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "$BASE/static/" 2>/dev/null && return 0
    kill -0 "$GUNICORN_PID" 2>/dev/null || { echo "gunicorn 启动失败，见 $OUT/gunicorn.log"; tail -20 "$OUT/gunicorn.log"; exit 1; }
    sleep 0.2
  done
  echo "gunicorn 未在 20 秒内就绪"; exit 1
}

stop_gunicorn() {
  kill "$GUNICORN_PID" 2>/dev/null || true
  wait "$GUNICORN_PID" 2>/dev/null || true
}

worker_rss_mb() {
  # Largest resident set among the workers (children of the master), in MB.
  ps -o rss= --ppid "$GUNICORN_PID" | awk 'BEGIN{m=0} {if ($1>m) m=$1} END{printf "%.0f", m/1024}'
}

worker_pss_mb() {
  # Largest proportional set (shared pages divided among the processes sharing them), in MB:
  # what a worker really adds, since templates and dictionaries loaded in the master are shared.
  local m=0 kb pid
  for pid in $(ps -o pid= --ppid "$GUNICORN_PID"); do
    kb=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
    (( ${kb:-0} > m )) && m=${kb:-0}
  done
  echo $((m / 1024))
}

FAILED=0
SUMMARY="$OUT/load-summary.txt"
: >"$SUMMARY"

# Bytes on the wire per page: uncompressed (as before gzip) and as a browser now gets them.
page_bytes() {
  printf "%-34s %10s %10s %7s\n" "页面（字节）" "未压缩" "gzip" "节省"
  local raw_path path plain gz
  for raw_path in "${PATHS[@]}" / /intermediaries/ /powers/ /one-things/ /reports/ /sitemap/ /sitemap.xml; do
    path=$($PY -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe="/?=&%:+"))' "$raw_path")
    plain=$(curl -s -o /dev/null -w '%{size_download}' -H "Accept-Encoding: identity" "$BASE$path" || echo 0)
    gz=$(curl -s -o /dev/null -w '%{size_download}' -H "Accept-Encoding: gzip" "$BASE$path" || echo 0)
    printf "%-34s %10s %10s %7s\n" "$raw_path" "$plain" "$gz" "$(awk -v a="$plain" -v b="$gz" 'BEGIN{ if (a>0) printf "%.0f%%", 100*(a-b)/a; else print "-" }')"
    echo "bytes $raw_path identity=$plain gzip=$gz" >>"$SUMMARY"
  done
}
for phase in $PHASES; do
  case $phase in
    cached) enabled=1; label="缓存开启"; redis="" ;;
    uncached) enabled=0; label="缓存关闭"; redis="" ;;
    redis-down) enabled=1; label="缓存开启但 Redis 停止"; redis="redis://127.0.0.1:$((PORT + 1001))/0" ;;
    *) echo "未知阶段 $phase（可选 uncached cached redis-down）"; exit 2 ;;
  esac
  echo
  echo "== $label：每页 $DURATION，$CONNECTIONS 个连接 =="
  log_start=$(wc -l 2>/dev/null <"$OUT/gunicorn.log" || echo 0)
  DJANGO_LOG_LEVEL=WARNING start_gunicorn "$enabled" "$redis"
  if [[ "$phase" == "${PHASES%% *}" ]]; then echo; page_bytes; echo; fi
  HEALTH_RPS=""
  printf "%-34s %9s %9s %9s %7s %6s %6s %9s\n" "页面" "请求/秒" "p50 ms" "p99 ms" "错误" "5xx" "命中率" "/healthz比"
  for raw_path in "${PATHS[@]}"; do
    # wrk and curl need the Chinese search words percent-encoded.
    path=$($PY -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe="/?=&%:+"))' "$raw_path")
    status=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path" || echo 000)
    if [[ "$status" == 404 ]]; then
      printf "%-34s 跳过：本分支上没有这个地址（404）\n" "$raw_path"
      continue
    fi
    # As every browser does: pages are gzipped by the app (portal.compression), open data has .gz copies.
    line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -H "Accept-Encoding: gzip, deflate" \
      -s bench/wrk_report.lua "$BASE$path" | grep '^RESULT' || true)
    if [[ -z "$line" ]]; then echo "$raw_path: wrk 没有结果"; FAILED=1; continue; fi
    declare -A r=()
    for kv in ${line#RESULT }; do r[${kv%%=*}]=${kv#*=}; done
    errors=$((r[socket_errors] + r[s4xx] + r[s5xx]))
    (( errors > 0 )) && FAILED=1
    hit_rate=$(awk -v h="${r[cache_hits]}" -v n="${r[requests]}" 'BEGIN{ if (n>0) printf "%.0f%%", 100*h/n; else print "-" }')
    if [[ "$path" == /healthz ]]; then HEALTH_RPS=${r[rps]}; fi
    ratio=$(awk -v a="${r[rps]}" -v b="$HEALTH_RPS" 'BEGIN{ if (b>0) printf "%.0f%%", 100*a/b; else print "-" }')
    printf "%-34s %9s %9s %9s %7s %6s %6s %9s\n" "$raw_path" "${r[rps]}" "${r[p50_ms]}" "${r[p99_ms]}" "$errors" "${r[s5xx]}" "$hit_rate" "$ratio"
    echo "$phase $raw_path rps=${r[rps]} p50_ms=${r[p50_ms]} p99_ms=${r[p99_ms]} errors=$errors s5xx=${r[s5xx]} hits=$hit_rate ratio_healthz=$ratio" >>"$SUMMARY"
    unset r
  done
  rss=$(worker_rss_mb)
  pss=$(worker_pss_mb)
  echo "worker 数：$(ps -o pid= --ppid "$GUNICORN_PID" | wc -l)；最大 worker 常驻内存：${rss} MB（目标 < 200 MB），按共享分摊：${pss} MB"
  echo "$phase worker_rss_mb=$rss worker_pss_mb=$pss" >>"$SUMMARY"
  (( rss >= 200 )) && FAILED=1
  stop_gunicorn
  warnings=$(tail -n +"$((log_start + 1))" "$OUT/gunicorn.log" | grep -c "Redis 缓存不可用" || true)
  tracebacks=$(tail -n +"$((log_start + 1))" "$OUT/gunicorn.log" | grep -c "^Traceback" || true)
  echo "日志：Redis 不可用警告 ${warnings} 条（每个 worker 每分钟至多一条），Traceback ${tracebacks} 个"
  echo "$phase redis_warnings=$warnings tracebacks=$tracebacks" >>"$SUMMARY"
done

echo
echo "结果另存于 $SUMMARY；gunicorn 日志 $OUT/gunicorn.log"
if (( FAILED )); then echo "有错误、非 2xx 响应或内存超标"; exit 1; fi
