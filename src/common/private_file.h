// Writing files that hold secrets (keys, certificates, tokens) into a directory another local
// user might also write to, or might have planted links in.
//
// The content goes to a fresh temporary file next to the target, created with
// O_CREAT|O_EXCL|O_NOFOLLOW and mode 0600 (so it never existed before, is not reached through
// a symlink, and is never readable by others, whatever the umask), is fsynced, and is then
// moved into place: with Existing::kRefuse by link(2), which fails if anything (a file or a
// symlink) already has the name; with kReplace by rename(2), which replaces the name itself
// and never writes through a symlink there. Readers never see a partial file.
// Free functions; thread-safe (each call uses its own temporary name).
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace baton {

enum class Existing { kRefuse, kReplace };

absl::Status WritePrivateFile(const std::string& path, std::string_view content, Existing existing);

}  // namespace baton
