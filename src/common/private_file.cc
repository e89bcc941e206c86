#include "common/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace baton {
namespace {

absl::Status Errno(const char* what, const std::string& path) {
  return absl::PermissionDeniedError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

absl::Status WriteAll(int fd, std::string_view content, const std::string& path) {
  while (!content.empty()) {
    ssize_t n = write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno("cannot write", path);
    content.remove_prefix(static_cast<size_t>(n));
  }
  if (fsync(fd) != 0) return Errno("cannot sync", path);
  return absl::OkStatus();
}

void SyncDirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);  // best effort: the file itself is already durable
  close(fd);
}

}  // namespace

absl::Status WritePrivateFile(const std::string& path, std::string_view content,
                              Existing existing) {
  std::random_device random;
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 8 && fd < 0; ++attempt) {
    tmp = absl::StrFormat("%s.tmp-%08x", path, random());
    fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) return Errno("cannot create", tmp);
  }
  if (fd < 0) return Errno("cannot create", tmp);
  absl::Status status = WriteAll(fd, content, tmp);
  // 0600 whatever the umask was; the mode given to open is only an upper bound.
  if (status.ok() && fchmod(fd, 0600) != 0) status = Errno("cannot chmod", tmp);
  if (close(fd) != 0 && status.ok()) status = Errno("cannot close", tmp);
  bool renamed = false;
  if (status.ok() && existing == Existing::kRefuse) {
    if (link(tmp.c_str(), path.c_str()) != 0) {
      status = errno == EEXIST ? absl::AlreadyExistsError(absl::StrCat(path, " already exists"))
                               : Errno("cannot create", path);
    }
  } else if (status.ok()) {
    renamed = rename(tmp.c_str(), path.c_str()) == 0;
    if (!renamed) status = Errno("cannot replace", path);
  }
  if (!renamed) unlink(tmp.c_str());
  if (status.ok()) SyncDirectoryOf(path);
  return status;
}

}  // namespace baton
