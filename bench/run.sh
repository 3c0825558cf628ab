#!/bin/sh
# Builds Herald and the benchmark, installs Nchan when missing (as root), runs every workload and
# writes bench/results/<timestamp>/results.{json,md} and bench/results/latest.md.
# Extra arguments go to the driver: --reps N, --only w1,w2,w3,w4,profile, --quick.
set -eu
cd "$(dirname "$0")/.."
if [ ! -f /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx-light libnginx-mod-nchan
fi
mvn -B -q -DskipTests install
exec timeout 75m java -jar bench/target/herald-bench.jar --repo . "$@"
