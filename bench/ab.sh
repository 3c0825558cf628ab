#!/bin/sh
# Herald's CPU per event at two revisions, side by side: W4's one-core case (10 000 users, 50 events
# per request) run against each in turn, PAIRS times, then each swept rate's server CPU (% of the
# core), the median of each revision's steps and their ratio. For a change meant to cut CPU per
# event, whose gain (a tenth, say) is smaller than this machine's noise between two runs.
# Usage: bench/ab.sh OLD_REV [NEW_REV (default HEAD)] [PAIRS (default 2)]. About 5 minutes a pair.
# Each revision is built in its own worktree under bench/results/tmp/ab (removed at the end; the
# runs' logs stay there); the table goes to bench/results/ab-<old>-<new>-<time>.md.
set -eu
cd "$(dirname "$0")/.."
old=$(git rev-parse --short "$1")
new=$(git rev-parse --short "${2:-HEAD}")
pairs=${3:-2}
tmp=bench/results/tmp/ab
mkdir -p "$tmp"
mvn -B -q -DskipTests install   # the generator, from the tree as it is
for rev in "$old" "$new"; do
  if [ ! -d "$tmp/$rev" ]; then
    git worktree add -q --detach "$tmp/$rev" "$rev"
  fi
  (cd "$tmp/$rev" && mvn -B -q -DskipTests package -pl verticles -am)
  # One load generator for both: this tree's (the driver starts it from the --repo it is given).
  mkdir -p "$tmp/$rev/bench/target"
  cp bench/target/herald-bench.jar "$tmp/$rev/bench/target/"
done
i=1
while [ "$i" -le "$pairs" ]; do
  for rev in "$old" "$new"; do
    echo "pair $i: $rev"
    timeout 10m java -jar bench/target/herald-bench.jar --repo "$tmp/$rev" --only w4 --w4-cases herald-sse:50 --reps 3 \
      > "$tmp/$rev-$i.log" 2>&1
  done
  i=$((i + 1))
done
# Sweep steps that passed: "HH:MM:SS  20000.0 ev/s -> ok  delivered ... cpu 46% gen 21%".
steps() {
  for f in "$tmp/$1"-*.log; do
    awk '/latency sweep/ { s = 1 } s && / ev\/s -> ok / { for (i = 1; i <= NF; i++) if ($i == "cpu") { sub("%", "", $(i+1)); print int($2), $(i+1) } }' "$f"
  done
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2) }'; }
out=bench/results/ab-$old-$new-$(date +%Y%m%d-%H%M%S).md
{
  echo "# Server CPU per swept rate, $old against $new (W4, one core, 50 events per request, $pairs pairs)"
  echo
  echo "| events/s | $old: steps | median | $new: steps | median | $new / $old |"
  echo "|---|---|---|---|---|---|"
  for rate in $(steps "$old" | awk '{ print $1 }' | sort -nu); do
    a=$(steps "$old" | awk -v r="$rate" '$1 == r { print $2 }')
    b=$(steps "$new" | awk -v r="$rate" '$1 == r { print $2 }')
    [ -n "$b" ] || continue
    ma=$(echo "$a" | median); mb=$(echo "$b" | median)
    echo "| $rate | $(echo $a | tr ' ' ',') | $ma | $(echo $b | tr ' ' ',') | $mb | $(awk -v a="$ma" -v b="$mb" 'BEGIN { printf "%.2f", b / a }') |"
  done
} > "$out"
cat "$out"
# The logs stay in $tmp; the worktrees go, so that git lists none left behind.
for rev in "$old" "$new"; do
  git worktree remove --force "$tmp/$rev"
done
