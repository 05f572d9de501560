# Shared helpers for the integration tests: a private temporary folder per test, assertions
# that say what went wrong, and cleanup on exit. Source it first thing in a *.test.sh.
set -euo pipefail

: "${SEALPOST:?SEALPOST must point at the sealpost binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/sealpost-test.XXXXXX")
chmod 755 "$T"
export GNUPGHOME="$T/gnupg"
mkdir -m 700 "$GNUPGHOME"
cleanup() {
    # A daemon a failed test started (start_sealpost in mta_lib.sh) must not outlive it.
    if [ -n "${sealpost_pid:-}" ]; then kill "$sealpost_pid" 2>/dev/null || true; fi
    [ -n "${KEEP_T:-}" ] && { echo "kept $T" >&2; return; }
    gpgconf --kill all >/dev/null 2>&1 || true
    rm -rf "$T"
}
trap cleanup EXIT

checks=0
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { checks=$((checks + 1)); echo "ok $checks - $*"; }
# expect_fail DESCRIPTION CMD...: CMD must exit non-zero; its stderr is kept in $T/err
expect_fail() {
    local what=$1; shift
    if "$@" >"$T/out" 2>"$T/err"; then fail "$what: succeeded but should have failed"; fi
    pass "$what fails: $(tail -n 1 "$T/err")"
}
sp() { "$SEALPOST" --log-level warn --data-dir "$T/data" "$@"; }
gpg_batch() { gpg --batch --yes --no-tty --quiet --pinentry-mode loopback "$@"; }
