#include "source/file_contents.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pro380::source {
namespace {

Status CannotRead(const std::string& path, int error) {
  return Status::InvalidArgument(path + ": cannot read: " + std::strerror(error));
}

// Closes the descriptor on every path out of Open.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<std::unique_ptr<FileContents>> FileContents::Open(const std::string& path) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return CannotRead(path, errno);
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return CannotRead(path, errno);
  if (S_ISDIR(info.st_mode)) return CannotRead(path, EISDIR);

  std::unique_ptr<FileContents> contents(new FileContents());
  if (S_ISREG(info.st_mode) && info.st_size > 0) {
    const auto size = static_cast<std::size_t>(info.st_size);
    void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
    if (mapping != MAP_FAILED) {
      // The parser reads front to back once; tell the kernel to read ahead aggressively.
      ::madvise(mapping, size, MADV_SEQUENTIAL);
      contents->mapping_ = mapping;
      contents->data_ = static_cast<const char*>(mapping);
      contents->size_ = size;
      return contents;
    }
  }
  // Not mappable (pipe, character device, some file systems): read until end of file.
  char chunk[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return CannotRead(path, errno);
    }
    if (n == 0) break;
    contents->buffer_.append(chunk, static_cast<std::size_t>(n));
  }
  contents->data_ = contents->buffer_.data();
  contents->size_ = contents->buffer_.size();
  return contents;
}

FileContents::~FileContents() {
  if (mapping_ != nullptr) ::munmap(mapping_, size_);
}

}  // namespace pro380::source
