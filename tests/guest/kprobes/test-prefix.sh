#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# arm64: kprobes refuse the words that ftrace keeps before a traceable
# function (its CALL_OPS literal, and its PLT with
# CONFIG_ARM64_FTRACE_FUNC_PLT): a BRK written there would corrupt a literal.
# The function itself stays probeable, and traceable.
. "$KLP_HARNESS_FUNCTIONS"

if [ "$(uname -m)" != aarch64 ]; then
	echo "SKIP: the ftrace prefix of a function is arm64's"
	exit $ksft_skip
fi

FUNC=__arm64_sys_newuname
EVENTS=$TRACING/kprobe_events

cleanup() {
	if [ -e "$TRACING/events/kprobes/enable" ]; then
		echo 0 >"$TRACING/events/kprobes/enable"
		echo >"$EVENTS"
	fi
	if [ -d $SITE ]; then rmmod test_klp_jump_mod; fi
}
trap cleanup EXIT

start_test "kprobes refuse the literal and the PLT before a function"
addr=$(ksym_addr $FUNC)
[ -n "$addr" ] || die "no address for $FUNC"
site_reader $FUNC
plt=$(cat $SITE/plt) || die "cannot read the site reader"
case $plt in
*": plt")	words=6 ;;	# PLT (LDR, BR, target) and the ops literal
*": no plt")	words=2 ;;	# the ops literal
*)		die "unexpected answer from the site reader: $plt" ;;
esac
unload_mod test_klp_jump_mod
for ((i = 1; i <= words; i++)); do
	a=$(printf '0x%x' $((addr - 4 * i)))
	if echo "p:klp_prefix $a" >>"$EVENTS" 2>/dev/null; then
		echo "-:klp_prefix" >>"$EVENTS"
		die "a kprobe was accepted at $FUNC-$((4 * i)) ($a), in its ftrace prefix of $words words"
	fi
done
log "$words words before $FUNC refused"
echo ok

start_test "the function after the prefix is still probed and traced"
echo "p:klp_entry $FUNC" >>"$EVENTS" || die "no kprobe at $FUNC"
echo 1 >"$TRACING/events/kprobes/klp_entry/enable"
uname >/dev/null
echo 0 >"$TRACING/events/kprobes/klp_entry/enable"
hits=$(awk '$1 == "klp_entry" { print $2 }' "$TRACING/kprobe_profile")
[ "${hits:-0}" -ge 1 ] || die "the kprobe at $FUNC was not hit: $(cat "$TRACING/kprobe_profile")"
echo "-:klp_entry" >>"$EVENTS" || die "cannot remove the kprobe at $FUNC"
trace_function $FUNC
uname >/dev/null
echo 0 >"$TRACING/tracing_on"
assert_trace_has "uname-[0-9]+ .*$FUNC <-" "$FUNC after the probes"
reset_tracing
echo ok
