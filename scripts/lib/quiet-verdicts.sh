# Sourced by scripts/test.sh. CI reads the closing lines of known test runners (pytest's
# `===== 3 warnings in 30.87s =====` among them) and the plain `N passed, N failed`; only the
# suite's own summary may say that. quiet_verdicts filters a tool's output: colour codes go,
# lines holding a pytest-shaped banner go, and any other line shaped like a runner's verdict is indented behind
# a marker so that it still reads but no longer parses as one.
quiet_verdicts() {
  sed -u -E \
    -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' \
    -e '/={3,}[[:space:]].*[[:space:]]={3,}/d' \
    -e '/^[[:space:]]*(ok|FAIL|PASS|---|#|ℹ|Tests run:|Test Files|Tests|[0-9]+\.\.[0-9]+)([[:space:]]|$)/s/^/  » /' \
    -e '/^(  » )?.*[0-9]+ (passed|failed|skipped|tests?|examples?|errors?)\b/{/^  » /!s/^/  » /}'
}
