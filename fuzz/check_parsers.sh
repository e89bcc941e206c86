#!/bin/sh
# Fails if library code (anything under src/ but tests) uses the std::sto* family, which throws
# on malformed or out-of-range text, or ato*, whose result on out-of-range text is undefined:
# parse with std::from_chars or absl::SimpleAto* instead.
set -u
if grep -rnE 'std::sto(i|l|ul|ll|ull|f|d|ld)\(|\bato(i|l|ll|f)\(' "$1" --include='*.cc' --include='*.h' |
  grep -vE '_test\.cc:|/test_[a-z_]*\.(cc|h):'; then
  echo "std::sto* / ato* above: parse text without exceptions or UB (std::from_chars, absl::SimpleAtoi)"
  exit 1
fi
exit 0
