// A bound on the nesting of untrusted JSON, checked on the text before parsing it. nlohmann's
// parser and destructor cope with any depth, but writing a document back out (dump) and copying
// it recurse once per level: a few megabytes of '[' overflow the stack. Every parser of
// untrusted JSON that dumps or copies what it parsed checks this first. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace baton {

// Deeper than any request, answer or payload of the protocols here (they nest a few levels).
inline constexpr int kMaxJsonDepth = 64;

// Whether `text` nests arrays and objects deeper than `limit`, brackets inside strings not
// counted. Meant for text about to be parsed: on invalid JSON the answer is only a guess.
inline bool JsonNestsDeeperThan(std::string_view text, int limit = kMaxJsonDepth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

}  // namespace baton
