#!/bin/sh
# compare.sh runs the comparison three times, in alternating order: a raw
# POST loop, the floor (the SDK's row writes by hand, no HTTP), the SDK at an older commit (OLD, default 401cee8, built from a
# git worktree of it), the SDK of this tree, River's delivery job and
# River's no-op job. Each scenario is its own process, one after the other.
#
#   ./compare.sh    # BENCH_POSTGRES_DSN defaults to postgres://postgres@127.0.0.1:5432/intime_bench?sslmode=disable
#
# N (default 20000) sets the deliveries per scenario, RUNS (default 3) the
# runs.
set -eu
cd "$(dirname "$0")"
OLD=${OLD:-401cee8}
N=${N:-20000}
export BENCH_POSTGRES_DSN=${BENCH_POSTGRES_DSN:-postgres://postgres@127.0.0.1:5432/intime_bench?sslmode=disable}
RUNS=${RUNS:-3}
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/old" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git worktree add --detach "$tmp/old" "$OLD" >/dev/null 2>&1
# The same bench, with the SDK replaced by the old worktree.
sed "s#=> ../#=> $tmp/old/#" go.mod >"$tmp/go.old.mod"
cp go.sum "$tmp/go.old.sum"
go build -o "$tmp/bench-new" .
go build -modfile="$tmp/go.old.mod" -o "$tmp/bench-old" .
run() { # label binary scenario
	"$2" -scenario "$3" -label "$1" -n "$N"
}
order="raw floor sdk-old sdk-new river noop"
i=1
while [ "$i" -le "$RUNS" ]; do
	echo "# run $i"
	for s in $order; do
		case $s in
		raw) run raw "$tmp/bench-new" raw ;;
		floor) run floor "$tmp/bench-new" floor ;;
		sdk-old) run "sdk-$OLD" "$tmp/bench-old" sdk ;;
		sdk-new) run sdk-new "$tmp/bench-new" sdk ;;
		river) run river-job "$tmp/bench-new" river ;;
		noop) run river-noop "$tmp/bench-new" noop ;;
		esac
	done
	order=$(echo "$order" | tr ' ' '\n' | tac | tr '\n' ' ')
	i=$((i + 1))
done
