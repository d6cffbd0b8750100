#!/usr/bin/env bash
# Takes the README's screenshot of the desktop console: a real qpushgateway under xvfb-run,
# real pushes over HTTP (three batch jobs, one rejected push), a group and its histogram
# selected with the keyboard, the window grabbed with ImageMagick's `import`.
#
#   resources/screenshots/take-console-screenshot.sh [build dir] [output.png]
#
# Needs: xvfb (xvfb-run), imagemagick (import), x11-utils, xdotool, curl. A throwaway HOME keeps
# the user's settings and data out of it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build}"
out="${2:-$here/console.png}"
binary="$build/app/qpushgateway"
[[ -x "$binary" ]] || { echo "no $binary: build first" >&2; exit 1; }
for tool in xvfb-run import xdotool curl; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install xvfb imagemagick xdotool curl)" >&2; exit 1; }
done

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/home/.config" XDG_DATA_HOME="$scratch/home/.local/share"
mkdir -p "$HOME"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# Runs inside the virtual display.
cat >"$scratch/session.sh" <<'SESSION'
set -euo pipefail
binary="$1"; port="$2"; out="$3"
url="http://127.0.0.1:$port/metrics"
"$binary" --web.listen-address="127.0.0.1:$port" --persistence.file= &
app=$!
trap 'kill $app 2>/dev/null; wait $app 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "$url" >/dev/null && break; sleep 0.1; done

backup() { # instance duration_sum count size_data
    curl -sf --data-binary @- "$url/job/nightly_backup/instance/$1" <<METRICS
# TYPE backup_duration_seconds histogram
# HELP backup_duration_seconds How long the backup took.
backup_duration_seconds_bucket{le="60"} $(( $3 / 8 ))
backup_duration_seconds_bucket{le="300"} $(( $3 / 2 ))
backup_duration_seconds_bucket{le="900"} $(( $3 - 2 ))
backup_duration_seconds_bucket{le="1800"} $(( $3 - 1 ))
backup_duration_seconds_bucket{le="+Inf"} $3
backup_duration_seconds_sum $2
backup_duration_seconds_count $3
# TYPE backup_size_bytes gauge
# HELP backup_size_bytes Size of the last backup per volume.
backup_size_bytes{volume="data"} $4
backup_size_bytes{volume="logs"} 1.3e9
# TYPE backup_last_success_timestamp_seconds gauge
backup_last_success_timestamp_seconds $(date +%s)
METRICS
}
backup db-01 8120 40 5.2e10
backup db-02 7600 38 4.9e10
backup web-01 1210 16 8.1e9
for region in eu-west us-east ap-south; do
    curl -sf --data-binary @- "$url/job/etl_export/region/$region" <<METRICS
# TYPE etl_rows_exported_total counter
etl_rows_exported_total{table="orders"} $((RANDOM * 10))
etl_rows_exported_total{table="customers"} $((RANDOM))
# TYPE etl_duration_seconds summary
etl_duration_seconds{quantile="0.5"} 42.1
etl_duration_seconds{quantile="0.99"} 97.3
etl_duration_seconds_sum 1337.5
etl_duration_seconds_count 30
METRICS
done
echo "cert_expiry_days 41" | curl -sf --data-binary @- "$url/job/cert_check/instance/api.example.com"
# A pusher with a typo: rejected, shown in the push log with the reason its client got.
echo "cert_expiry_days forty" | curl -s --data-binary @- "$url/job/cert_check/instance/www.example.com" >/dev/null || true
sleep 1.5

window=$(xdotool search --sync --name '^QPushgateway$' | head -1)
xdotool windowsize "$window" 1440 860
xdotool windowmove "$window" 0 0
xdotool windowfocus --sync "$window"
# The tree has the focus on its first row (cert_check): Down past its group, etl_export and its
# three groups, nightly_backup, to db-01; its first family, the histogram, is shown.
xdotool key --delay 80 Down Down Down Down Down Down Down
# The status bar's note about the rejected push gives way to the status after ten seconds.
sleep 10.5
import -window "$window" "$out"
SESSION

xvfb-run -a -s "-screen 0 1440x860x24" bash "$scratch/session.sh" "$binary" "$port" "$out" \
    > "$scratch/log" 2>&1 || { cat "$scratch/log" >&2; exit 1; }
echo "wrote $out"
