// ClientLink: the byte link of a Modbus/M-Bus/IEC client (`pro380 read`, `write`, `scan`): a TCP
// connection to ADDR:PORT, or an existing serial device (a USB-RS485 adapter, or the link path
// of a `pro380 run` pty) opened raw with the given settings. Blocking with deadlines (poll(2)):
// a client has one request in flight, so it needs no event loop.
//
// Thread safety: none; one link per client.
#ifndef PRO380_TRANSPORT_CLIENT_LINK_H_
#define PRO380_TRANSPORT_CLIENT_LINK_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "transport/endpoint.h"

namespace pro380::transport {

class ClientLink {
 public:
  // IoError naming the endpoint when it refuses or does not answer within `timeout`.
  static Result<std::unique_ptr<ClientLink>> ConnectTcp(const TcpEndpoint& endpoint,
                                                        Duration timeout);
  // IoError naming the device when it cannot be opened or configured.
  static Result<std::unique_ptr<ClientLink>> OpenSerial(const std::string& device,
                                                        const SerialSettings& settings);
  ~ClientLink();
  ClientLink(const ClientLink&) = delete;
  ClientLink& operator=(const ClientLink&) = delete;

  // Writes all of `bytes` (IoError when the peer is gone).
  Status Send(std::span<const uint8_t> bytes);
  // The bytes that arrived, as soon as some did; an empty chunk once `deadline` (a
  // MonotonicNow() time) passed; IoError when the peer closed the connection or the read failed.
  Result<std::vector<uint8_t>> Receive(TimePoint deadline);
  // Drops the bytes already waiting (a late reply to an abandoned request).
  void DiscardInput();

  // A serial link's settings now; nullopt for a TCP link.
  const std::optional<SerialSettings>& serial_settings() const { return serial_; }
  // Switches a serial link to `settings` (the meter switched its line after a write of its baud
  // rate or parity). Ok and nothing for a TCP link: a gateway's serial side is not the client's
  // to change. Errors as OpenSerial's.
  Status SwitchSerialSettings(const SerialSettings& settings);
  // A serial device other than a pty: a line with a rate (the optical port's rate change, 7E1
  // carried as 8N1). False for TCP and a pty.
  bool is_serial_line() const { return serial_.has_value() && !is_pty_; }
  // Waits until every byte sent has left the line, then switches it to `baud`, 8N1 (the optical
  // port's rate change). Does nothing on TCP or a pty.
  Status SetBaud(uint32_t baud);

  // "127.0.0.1:1502" or the device path: for messages.
  const std::string& name() const { return name_; }

 private:
  ClientLink(int fd, std::string name, std::optional<SerialSettings> serial = std::nullopt,
             bool is_pty = false)
      : fd_(fd), name_(std::move(name)), serial_(serial), is_pty_(is_pty) {}
  int fd_;
  std::string name_;
  std::optional<SerialSettings> serial_;
  bool is_pty_;
};

}  // namespace pro380::transport

#endif  // PRO380_TRANSPORT_CLIENT_LINK_H_
