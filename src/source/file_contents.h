// FileContents: the whole content of a file as one read-only byte range. Regular files are
// memory-mapped (no copy, pages come in as the parser reaches them); anything else (pipes,
// /dev/stdin, process substitution) is read whole into memory.
//
// Thread safety: immutable after Open; text() may be read from many threads.
#ifndef PRO380_SOURCE_FILE_CONTENTS_H_
#define PRO380_SOURCE_FILE_CONTENTS_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace pro380::source {

class FileContents {
 public:
  // Maps or reads `path`. An unopenable or unreadable path (missing, no permission, a
  // directory) is InvalidArgument "<path>: cannot read: <reason>".
  static Result<std::unique_ptr<FileContents>> Open(const std::string& path);

  FileContents(const FileContents&) = delete;
  FileContents& operator=(const FileContents&) = delete;
  ~FileContents();

  // Valid as long as this object lives.
  std::string_view text() const { return {data_, size_}; }

 private:
  FileContents() = default;

  const char* data_ = nullptr;
  std::size_t size_ = 0;
  void* mapping_ = nullptr;  // set when data_ is an mmap of size_ bytes
  std::string buffer_;       // holds the bytes when the file could not be mapped
};

}  // namespace pro380::source

#endif  // PRO380_SOURCE_FILE_CONTENTS_H_
