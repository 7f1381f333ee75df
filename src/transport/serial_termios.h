// The termios setup both serial users share: the meter's SerialLine (server side) and the
// client's ClientLink: raw 8-bit characters with the settings' parity and stop bits, no flow
// control, reads that return what is there.
#ifndef PRO380_TRANSPORT_SERIAL_TERMIOS_H_
#define PRO380_TRANSPORT_SERIAL_TERMIOS_H_

#include <string>

#include "base/status.h"
#include "transport/endpoint.h"

namespace pro380::transport {

// Configures the open terminal `fd`. InvalidArgument for a baud rate termios lacks; IoError
// naming `name` when the device refuses (ignored for a pty, which has no line settings).
Status ConfigureRawSerial(int fd, const SerialSettings& settings, bool is_pty,
                          const std::string& name);

}  // namespace pro380::transport

#endif  // PRO380_TRANSPORT_SERIAL_TERMIOS_H_
