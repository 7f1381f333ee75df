#include "transport/serial_termios.h"

#include <termios.h>

#include <cerrno>
#include <cstring>

namespace pro380::transport {
namespace {

std::string Errno(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

speed_t SpeedOf(uint32_t baud) {
  switch (baud) {
    case 300:
      return B300;
    case 600:
      return B600;
    case 1200:
      return B1200;
    case 2400:
      return B2400;
    case 4800:
      return B4800;
    case 9600:
      return B9600;
    case 19200:
      return B19200;
    case 38400:
      return B38400;
    case 57600:
      return B57600;
    case 115200:
      return B115200;
    case 230400:
      return B230400;
    default:
      return B0;
  }
}

}  // namespace

Status ConfigureRawSerial(int fd, const SerialSettings& settings, bool is_pty,
                          const std::string& name) {
  termios tio{};
  if (tcgetattr(fd, &tio) != 0) return Status::IoError(name + ": " + Errno("tcgetattr"));
  cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~(PARENB | PARODD | CSTOPB | CRTSCTS);
  if (settings.parity != SerialParity::kNone) tio.c_cflag |= PARENB;
  if (settings.parity == SerialParity::kOdd) tio.c_cflag |= PARODD;
  if (settings.stop_bits == 2) tio.c_cflag |= CSTOPB;
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  const speed_t speed = SpeedOf(settings.baud);
  if (speed == B0) {
    return Status::InvalidArgument(name + ": baud rate " + std::to_string(settings.baud) +
                                   " is not supported");
  }
  cfsetispeed(&tio, speed);
  cfsetospeed(&tio, speed);
  if (tcsetattr(fd, TCSADRAIN, &tio) != 0 && !is_pty) {
    return Status::IoError(name + ": " + Errno("tcsetattr"));
  }
  return Status::Ok();
}

}  // namespace pro380::transport
