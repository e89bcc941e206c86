// Bridges std::string_view and absl::string_view.
//
// Debian's Abseil (20220623) is built with its own absl::string_view class rather than an alias
// of std::string_view, so the two do not convert into each other implicitly. Baton's interfaces
// use std::string_view; AsAbsl is the one place that crosses into Abseil's (StrCat, StrSplit,
// Cord, Status messages).
#pragma once

#include <string_view>

#include "absl/strings/string_view.h"

namespace baton {

inline absl::string_view AsAbsl(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace baton
