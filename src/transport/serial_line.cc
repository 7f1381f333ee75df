#include "transport/serial_line.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <asio.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <utility>
#include <vector>

#include "transport/monotonic_clock.h"
#include "transport/serial_termios.h"

namespace pro380::transport {
namespace {

std::string Errno(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

struct SerialLine::Impl : std::enable_shared_from_this<SerialLine::Impl> {
  explicit Impl(asio::io_context& io) : stream(io) {}

  void Read() {
    stream.async_read_some(asio::buffer(buffer),
                           [weak = weak_from_this()](std::error_code ec, size_t n) {
                             auto self = weak.lock();
                             if (!self || !self->open) return;
                             if (ec) {
                               if (ec == asio::error::operation_aborted) return;
                               ++self->counters.read_errors;
                               self->RetryRead();
                               return;
                             }
                             self->counters.bytes_received += n;
                             self->on_receive({self->buffer.data(), n}, MonotonicNow());
                             if (self->open) self->Read();
                           });
  }

  // A device that fails a read (unplugged adapter, a hangup) is tried again after a pause
  // instead of spinning.
  void RetryRead() {
    auto timer = std::make_shared<asio::steady_timer>(stream.get_executor());
    timer->expires_after(std::chrono::milliseconds(500));
    timer->async_wait([weak = weak_from_this(), timer](std::error_code ec) {
      auto self = weak.lock();
      if (!ec && self && self->open) self->Read();
    });
  }

  void WriteFront() {
    asio::async_write(stream, asio::buffer(queue.front().first),
                      [weak = weak_from_this()](std::error_code ec, size_t n) {
                        auto self = weak.lock();
                        if (!self || !self->open) return;
                        self->counters.bytes_sent += n;
                        // A failed write is not retried: the reply is lost, as on a line
                        // without a listener, and the next request gets its own reply.
                        (void)ec;
                        auto done = std::move(self->queue.front().second);
                        self->queue.pop_front();
                        if (!self->queue.empty()) self->WriteFront();
                        if (done) done();
                      });
  }

  asio::posix::stream_descriptor stream;
  int held_slave_fd = -1;  // pty only: our copy of the client's end
  std::string name;
  std::string link_target;  // pty only: what the link at `name` points to
  SerialSettings settings;
  bool is_pty = false;
  bool open = true;
  ReceiveHandler on_receive;
  std::array<uint8_t, 512> buffer{};
  std::deque<std::pair<std::vector<uint8_t>, std::function<void()>>> queue;
  SerialLineCounters counters;
};

Result<std::unique_ptr<SerialLine>> SerialLine::Open(asio::io_context& io, const SerialSpec& spec,
                                                     const SerialSettings& settings,
                                                     ReceiveHandler on_receive) {
  auto impl = std::make_shared<Impl>(io);
  impl->name = spec.device;
  impl->settings = settings;
  impl->is_pty = spec.pty;
  impl->on_receive = std::move(on_receive);
  int fd = -1;
  if (spec.pty) {
    struct stat link_stat {};
    if (lstat(spec.device.c_str(), &link_stat) == 0 && !S_ISLNK(link_stat.st_mode)) {
      return Status::FailedPrecondition("pty:" + spec.device +
                                        ": the path exists and is not a link; choose another");
    }
    fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || grantpt(fd) != 0 || unlockpt(fd) != 0) {
      if (fd >= 0) close(fd);
      return Status::IoError("pty:" + spec.device + ": " + Errno("cannot create a pty"));
    }
    const char* slave = ptsname(fd);
    impl->link_target = slave ? slave : "";
    impl->held_slave_fd = open(impl->link_target.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (impl->held_slave_fd < 0) {
      close(fd);
      return Status::IoError("pty:" + spec.device + ": " +
                             Errno("cannot open " + impl->link_target));
    }
    // No echo, no line editing for whoever opens the link, until they set their own mode.
    if (Status st = ConfigureRawSerial(impl->held_slave_fd, settings, true, spec.device);
        !st.ok()) {
      close(fd);
      close(impl->held_slave_fd);
      return st;
    }
    unlink(spec.device.c_str());  // a stale link of an earlier run (checked above: a link)
    if (symlink(impl->link_target.c_str(), spec.device.c_str()) != 0) {
      close(fd);
      close(impl->held_slave_fd);
      return Status::IoError("pty:" + spec.device + ": " + Errno("cannot create the link"));
    }
  } else {
    fd = open(spec.device.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return Status::IoError(spec.device + ": " + Errno("cannot open"));
    if (Status st = ConfigureRawSerial(fd, settings, false, spec.device); !st.ok()) {
      close(fd);
      return st;
    }
  }
  std::error_code ec;
  impl->stream.assign(fd, ec);
  if (ec) {
    close(fd);
    return Status::IoError(spec.device + ": " + ec.message());
  }
  impl->Read();
  return std::unique_ptr<SerialLine>(new SerialLine(std::move(impl)));
}

SerialLine::~SerialLine() {
  impl_->open = false;
  std::error_code ignored;
  impl_->stream.close(ignored);
  if (impl_->held_slave_fd >= 0) close(impl_->held_slave_fd);
  if (impl_->is_pty) {
    // Remove the link only while it is still ours (another run may have replaced it).
    std::array<char, 256> target{};
    const ssize_t n = readlink(impl_->name.c_str(), target.data(), target.size() - 1);
    if (n > 0 && std::string(target.data(), static_cast<size_t>(n)) == impl_->link_target) {
      unlink(impl_->name.c_str());
    }
  }
}

void SerialLine::Send(std::vector<uint8_t> bytes, std::function<void()> on_written) {
  impl_->queue.emplace_back(std::move(bytes), std::move(on_written));
  if (impl_->queue.size() == 1) impl_->WriteFront();
}

Status SerialLine::Apply(const SerialSettings& settings) {
  const int fd = impl_->is_pty ? impl_->held_slave_fd : impl_->stream.native_handle();
  if (Status st = ConfigureRawSerial(fd, settings, impl_->is_pty, impl_->name); !st.ok()) return st;
  impl_->settings = settings;
  return Status::Ok();
}

const SerialSettings& SerialLine::settings() const { return impl_->settings; }
const std::string& SerialLine::name() const { return impl_->name; }
const SerialLineCounters& SerialLine::counters() const { return impl_->counters; }

Duration WireTime(size_t bytes, const SerialSettings& settings) {
  const int64_t bits =
      1 + 8 + (settings.parity == SerialParity::kNone ? 0 : 1) + settings.stop_bits;
  // Rounded up: a settings change must not start before the last stop bit.
  const int64_t ns_per_char = (bits * 1'000'000'000 + settings.baud - 1) / settings.baud;
  return Duration(ns_per_char * static_cast<int64_t>(bytes));
}

}  // namespace pro380::transport
