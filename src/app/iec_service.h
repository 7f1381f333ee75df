// IecService: the optical port of `pro380 run` (docs/protocols/iec62056.md): `--iec DEV|pty:PATH`
// (an IR head is a USB serial device) and `--iec-tcp ADDR:PORT` (the same characters over TCP,
// for test rigs and serial servers), each an iec62056::Server in front of the process's first
// meter's Pro380IecProvider.
//
// A serial line is opened 8N1 and carries 7E1 characters: the session adds the even-parity bit
// to what it sends and checks it on what it receives (protocol/iec62056/frames.h); a pty and a
// TCP connection carry the 7-bit characters as they are. Baud-rate changes apply on a serial
// line once every character sent before them has left it; TCP has no rate.
#ifndef PRO380_APP_IEC_SERVICE_H_
#define PRO380_APP_IEC_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "app/interface_plan.h"
#include "app/meter_options.h"
#include "device/pro380_iec_provider.h"
#include "protocol/iec62056/server.h"
#include "transport/serial_line.h"
#include "transport/tcp_server.h"
#include "transport/traffic_tap.h"
#include "web/meter_gateway.h"

namespace asio {
class io_context;
}

namespace pro380::app {

// Fills plan.iec and plan.iec_tcp from `lists` (option names with "--" when `typed`, else config
// keys "interfaces.iec", "interfaces.iec_tcp"); InvalidArgument naming the option and the form.
Status ResolveIecInterfaces(const InterfaceArgs& lists, bool typed, InterfacePlan& plan);

class IecPort;        // one optical port session (app/iec_service.cc)
class SerialSession;  // app/serial_session.h

// The counters of an --iec-tcp listener's sessions: those closed, summed, and those open.
struct IecTally {
  using Values = std::vector<std::pair<std::string, uint64_t>>;
  IecTally();
  Values closed;  // every counter by name, zero until a session closes
  std::vector<std::weak_ptr<IecPort>> live;

  void AddClosed(const Values& values);
  Values Total() const;
};

class IecService {
 public:
  // Opens every optical port of `plan` for `provider` (nothing when the plan has none). Every
  // message goes to `tap` (nullptr: nowhere). Errors: the transport's, with the option named.
  static Result<std::unique_ptr<IecService>> Open(asio::io_context& io, const InterfacePlan& plan,
                                                  device::Pro380IecProvider& provider,
                                                  transport::TrafficTap* tap = nullptr,
                                                  iec62056::ServerOptions options = {});
  ~IecService();

  // One line per port for the start banner.
  std::vector<std::string> Describe() const;
  // Per port its server's counters; per TCP listener its connections' and its sessions' summed.
  std::vector<web::InterfaceCounters> Counters() const;

 private:
  IecService() = default;
  std::vector<std::shared_ptr<IecPort>> lines_;
  std::vector<std::shared_ptr<SerialSession>> serial_lines_;
  struct Listener {
    std::unique_ptr<transport::TcpServer> server;
    std::shared_ptr<IecTally> tally;
  };
  std::vector<Listener> listeners_;
  std::vector<std::string> descriptions_;
};

}  // namespace pro380::app

#endif  // PRO380_APP_IEC_SERVICE_H_
