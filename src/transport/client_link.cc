#include "transport/client_link.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "transport/monotonic_clock.h"
#include "transport/serial_termios.h"

namespace pro380::transport {
namespace {

std::string Errno(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

int MillisecondsUntil(TimePoint deadline) {
  const Duration left = deadline - MonotonicNow();
  if (left <= Duration::zero()) return 0;
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
}

}  // namespace

Result<std::unique_ptr<ClientLink>> ClientLink::ConnectTcp(const TcpEndpoint& endpoint,
                                                           Duration timeout) {
  const std::string name = ToString(endpoint);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(endpoint.port);
  if (getaddrinfo(endpoint.address.c_str(), port.c_str(), &hints, &found) != 0 || !found) {
    return Status::IoError(name + ": not a numeric address");
  }
  const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    freeaddrinfo(found);
    return Status::IoError(name + ": " + Errno("socket"));
  }
  const int connected = connect(fd, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  if (connected != 0 && errno != EINPROGRESS) {
    const Status failed = Status::IoError(name + ": " + Errno("cannot connect"));
    close(fd);
    return failed;
  }
  if (connected != 0) {
    pollfd p{fd, POLLOUT, 0};
    const TimePoint deadline = MonotonicNow() + timeout;
    int ready = 0;
    do {
      ready = poll(&p, 1, MillisecondsUntil(deadline));
    } while (ready < 0 && errno == EINTR);
    int error = 0;
    socklen_t length = sizeof error;
    if (ready <= 0) {
      close(fd);
      return Status::IoError(name + ": no connection within " + std::to_string(ToSeconds(timeout)) +
                             " s");
    }
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
      close(fd);
      return Status::IoError(name + ": cannot connect: " + std::strerror(error));
    }
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return std::unique_ptr<ClientLink>(new ClientLink(fd, name));
}

Result<std::unique_ptr<ClientLink>> ClientLink::OpenSerial(const std::string& device,
                                                           const SerialSettings& settings) {
  const int fd = open(device.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Status::IoError(device + ": " + Errno("cannot open"));
  // A pty (a `pro380 run` line) has no line settings: tcsetattr may fail there, harmlessly.
  char* real = realpath(device.c_str(), nullptr);
  const bool is_pty = real != nullptr && std::strncmp(real, "/dev/pts/", 9) == 0;
  std::free(real);
  if (Status configured = ConfigureRawSerial(fd, settings, is_pty, device); !configured.ok()) {
    close(fd);
    return configured;
  }
  return std::unique_ptr<ClientLink>(new ClientLink(fd, device, settings, is_pty));
}

Status ClientLink::SwitchSerialSettings(const SerialSettings& settings) {
  if (!serial_) return Status::Ok();
  if (Status configured = ConfigureRawSerial(fd_, settings, is_pty_, name_); !configured.ok()) {
    return configured;
  }
  serial_ = settings;
  return Status::Ok();
}

Status ClientLink::SetBaud(uint32_t baud) {
  if (!is_serial_line()) return Status::Ok();
  if (tcdrain(fd_) != 0) return Status::IoError(name_ + ": " + Errno("tcdrain"));
  return SwitchSerialSettings(SerialSettings{baud, SerialParity::kNone, 1});
}

ClientLink::~ClientLink() { close(fd_); }

Status ClientLink::Send(std::span<const uint8_t> bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = write(fd_, bytes.data() + sent, bytes.size() - sent);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      poll(&p, 1, 1000);
      continue;
    }
    return Status::IoError(name_ + ": " + Errno("write"));
  }
  return Status::Ok();
}

Result<std::vector<uint8_t>> ClientLink::Receive(TimePoint deadline) {
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = poll(&p, 1, MillisecondsUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return Status::IoError(name_ + ": " + Errno("poll"));
    if (ready == 0) return std::vector<uint8_t>{};
    std::vector<uint8_t> bytes(4096);
    const ssize_t n = read(fd_, bytes.data(), bytes.size());
    if (n > 0) {
      bytes.resize(static_cast<std::size_t>(n));
      return bytes;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n == 0) return Status::IoError(name_ + ": the peer closed the connection");
    return Status::IoError(name_ + ": " + Errno("read"));
  }
}

void ClientLink::DiscardInput() {
  std::vector<uint8_t> scratch(4096);
  while (read(fd_, scratch.data(), scratch.size()) > 0) {
  }
}

}  // namespace pro380::transport
