// Status and Result<T>: how environment failures and invalid input travel as values.
//
// A Status is either ok or carries a code and a human-readable message that names the problem
// (the option, the key, the file and line). Result<T> holds a T or a non-ok Status; it is shaped
// like std::expected so a move to C++23 is mechanical. Protocol outcomes (Modbus exceptions,
// M-Bus silence, IEC NAK) are not Statuses; they are domain values of their protocol.
//
// Thread safety: plain values; const methods are safe from many threads.
#ifndef PRO380_BASE_STATUS_H_
#define PRO380_BASE_STATUS_H_

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace pro380 {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,     // the caller's input is wrong (bad option, malformed file, out of range)
    kNotFound,            // a named thing does not exist
    kFailedPrecondition,  // the request is valid but not now (e.g. a locked setting)
    kIoError,             // the environment failed (file, port, socket)
    kInternal,
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string message) {
    return Status(Code::kInvalidArgument, std::move(message));
  }
  static Status NotFound(std::string message) {
    return Status(Code::kNotFound, std::move(message));
  }
  static Status FailedPrecondition(std::string message) {
    return Status(Code::kFailedPrecondition, std::move(message));
  }
  static Status IoError(std::string message) { return Status(Code::kIoError, std::move(message)); }
  static Status Internal(std::string message) {
    return Status(Code::kInternal, std::move(message));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<context>: <message>".
  Status WithContext(const std::string& context) const {
    return ok() ? *this : Status(code_, context + ": " + message_);
  }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT: implicit like std::expected
  Result(Status status) : data_(std::move(status)) {  // NOLINT: implicit like std::unexpected
    assert(!std::get<Status>(data_).ok() && "a Result holding a Status must hold an error");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The error; Status::Ok() when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(data_); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace pro380

#endif  // PRO380_BASE_STATUS_H_
