#include "app/iec_service.h"

#include <asio.hpp>
#include <deque>
#include <functional>

#include "app/serial_session.h"
#include "transport/monotonic_clock.h"

namespace pro380::app {

std::string IecIdentification(Variant variant) {
  switch (variant) {
    case Variant::kMod:
      return "PRO380-Mod";
    case Variant::kMb:
      return "PRO380-Mb";
    case Variant::kS:
      return "PRO380-S";
  }
  return "PRO380";
}

Status ResolveIecInterfaces(const InterfaceArgs& lists, bool typed, InterfacePlan& plan) {
  const std::string serial_name = typed ? "--iec" : "interfaces.iec";
  const std::string tcp_name = typed ? "--iec-tcp" : "interfaces.iec_tcp";
  for (const std::string& text : lists.iec) {
    auto spec = transport::ParseSerialSpec(text);
    if (!spec.ok()) return spec.status().WithContext(serial_name);
    if (spec->baud || spec->parity) {
      return Status::InvalidArgument(
          serial_name + " '" + text +
          "': the optical port takes no BAUD or PARITY (it starts at 300 baud 7E1 and the "
          "protocol changes the rate); allowed: DEV or pty:PATH");
    }
    for (const auto& other : plan.iec) {
      if (other.device == spec->device) {
        return Status::InvalidArgument(serial_name + " " + spec->device +
                                       " is given twice; a line is opened once");
      }
    }
    plan.iec.push_back(std::move(*spec));
  }
  for (const std::string& text : lists.iec_tcp) {
    auto endpoint = transport::ParseTcpEndpoint(text);
    if (!endpoint.ok()) return endpoint.status().WithContext(tcp_name);
    plan.iec_tcp.push_back(std::move(*endpoint));
  }
  return Status::Ok();
}

namespace {

asio::steady_timer::time_point SteadyTime(TimePoint monotonic) {
  return asio::steady_timer::time_point(
      std::chrono::duration_cast<asio::steady_timer::duration>(monotonic.time_since_epoch()));
}

}  // namespace

// One optical port session: the server, its timer, and the way out (a serial line or a TCP
// connection). Actions are carried out one after the other: a send completes (on a serial line:
// its characters have left the line) before the next action starts, so a rate change never
// overtakes the answer before it.
class IecPort : public std::enable_shared_from_this<IecPort> {
 public:
  using SendFunction = std::function<void(std::vector<uint8_t>, std::function<void()> done)>;
  using BaudFunction = std::function<void(int baud)>;

  IecPort(asio::io_context& io, device::Pro380IecProvider& provider,
          iec62056::ServerOptions options, bool software_parity)
      : server_(provider, options), timer_(io), software_parity_(software_parity) {}
  ~IecPort() { timer_.cancel(); }

  void Connect(std::string interface, std::string client, SendFunction send, BaudFunction baud) {
    server_.set_context(std::move(interface), std::move(client));
    send_ = std::move(send);
    baud_ = std::move(baud);
  }

  void OnReceive(std::span<const uint8_t> bytes, TimePoint at) {
    std::vector<uint8_t> chars(bytes.begin(), bytes.end());
    if (software_parity_) {
      for (uint8_t& c : chars) {
        const std::optional<uint8_t> seven = iec62056::StripEvenParity(c);
        if (!seven) ++parity_errors_;
        c = seven.value_or(0xFF);  // the server skips it and drops the message it was in
      }
    }
    server_.Feed(chars, at);
    Poll();
  }

  const iec62056::Server& server() const { return server_; }

 private:
  void Poll() {
    for (iec62056::Action& action : server_.Poll(transport::MonotonicNow())) {
      queue_.push_back(std::move(action));
    }
    Next();
    Arm();
  }

  void Arm() {
    const std::optional<TimePoint> deadline = server_.NextDeadline();
    if (!deadline) return;
    timer_.expires_at(SteadyTime(*deadline));
    timer_.async_wait([weak = weak_from_this()](std::error_code ec) {
      if (auto self = weak.lock(); self && !ec) self->Poll();
    });
  }

  void Next() {
    while (!busy_ && !queue_.empty()) {
      iec62056::Action action = std::move(queue_.front());
      queue_.pop_front();
      if (action.kind == iec62056::Action::Kind::kSetBaud) {
        if (baud_) baud_(action.baud);
        continue;
      }
      std::vector<uint8_t> bytes(action.chars.begin(), action.chars.end());
      if (software_parity_) {
        for (uint8_t& c : bytes) c = iec62056::AddEvenParity(c);
      }
      busy_ = true;
      send_(std::move(bytes), [weak = weak_from_this()] {
        if (auto self = weak.lock()) {
          self->busy_ = false;
          self->Next();
        }
      });
    }
  }

  iec62056::Server server_;
  asio::steady_timer timer_;
  bool software_parity_;
  SendFunction send_;
  BaudFunction baud_;
  std::deque<iec62056::Action> queue_;
  bool busy_ = false;
  uint64_t parity_errors_ = 0;
};

namespace {

// A TCP connection carrying the optical port's characters.
class IecTcpSession final : public transport::StreamHandler {
 public:
  IecTcpSession(transport::TcpConnection& connection, std::shared_ptr<IecPort> port)
      : port_(std::move(port)) {
    port_->Connect(
        "iec-tcp", connection.peer(),
        [&connection](std::vector<uint8_t> bytes, std::function<void()> done) {
          connection.Send(bytes);
          done();
        },
        nullptr);
  }
  void OnReceive(std::span<const uint8_t> bytes, TimePoint at) override {
    port_->OnReceive(bytes, at);
  }

 private:
  std::shared_ptr<IecPort> port_;
};

transport::SerialSettings LineSettings(int baud) {
  // 7E1 is 8N1 with the parity as the eighth bit (frames.h).
  return {static_cast<uint32_t>(baud), transport::SerialParity::kNone, 1};
}

}  // namespace

Result<std::unique_ptr<IecService>> IecService::Open(asio::io_context& io,
                                                     const InterfacePlan& plan,
                                                     device::Pro380IecProvider& provider,
                                                     iec62056::ServerOptions options) {
  auto service = std::unique_ptr<IecService>(new IecService());
  for (const transport::SerialSpec& spec : plan.iec) {
    auto port = std::make_shared<IecPort>(io, provider, options, !spec.pty);
    auto line = SerialSession::Open(
        io, spec, LineSettings(options.initial_baud),
        [weak = std::weak_ptr<IecPort>(port)](std::span<const uint8_t> bytes, TimePoint at) {
          if (auto self = weak.lock()) self->OnReceive(bytes, at);
        });
    if (!line.ok()) return line.status().WithContext("--iec");
    std::shared_ptr<SerialSession> session = std::move(*line);
    port->Connect(
        "iec", session->name(),
        [weak = std::weak_ptr<SerialSession>(session)](std::vector<uint8_t> bytes,
                                                       std::function<void()> done) {
          if (auto line_now = weak.lock()) line_now->Send(std::move(bytes), std::move(done));
        },
        [weak = std::weak_ptr<SerialSession>(session)](int baud) {
          if (auto line_now = weak.lock()) line_now->SwitchTo(LineSettings(baud));
        });
    service->descriptions_.push_back("IEC 62056-21 optical port on " + session->name() +
                                     " (mode C, 300 baud 7E1, up to " +
                                     std::to_string(options.max_baud) + ")");
    service->lines_.push_back(port);
    service->serial_lines_.push_back(std::move(session));
  }
  for (const transport::TcpEndpoint& endpoint : plan.iec_tcp) {
    device::Pro380IecProvider* shared_provider = &provider;
    auto server = transport::TcpServer::Listen(
        io, endpoint,
        [&io, shared_provider, options](
            transport::TcpConnection& connection) -> std::unique_ptr<transport::StreamHandler> {
          return std::make_unique<IecTcpSession>(
              connection, std::make_shared<IecPort>(io, *shared_provider, options, false));
        });
    if (!server.ok()) return server.status().WithContext("--iec-tcp");
    service->descriptions_.push_back("IEC 62056-21 optical port over TCP on " +
                                     transport::ToString((*server)->endpoint()));
    service->listeners_.push_back(std::move(*server));
  }
  return service;
}

IecService::~IecService() {
  listeners_.clear();
  serial_lines_.clear();
  lines_.clear();
}

std::vector<std::string> IecService::Describe() const { return descriptions_; }

}  // namespace pro380::app
