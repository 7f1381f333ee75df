#include "app/iec_service.h"

#include <asio.hpp>
#include <deque>
#include <functional>

#include "app/iec_traffic.h"
#include "app/interface_counters.h"
#include "app/serial_session.h"
#include "app/traffic_report.h"
#include "transport/monotonic_clock.h"

namespace pro380::app {

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

namespace {

// An optical port server's counters and the characters refused for their parity, by name (the
// parity errors after "chars", where the REST API has always listed them).
IecTally::Values IecCounterValues(const iec62056::ServerCounters& c, uint64_t parity_errors) {
  IecTally::Values values = iec62056::NamedCounters(c);
  values.insert(values.begin() + 1, {"parity_errors", parity_errors});
  return values;
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
          iec62056::ServerOptions options, bool software_parity, transport::TrafficTap* tap,
          std::shared_ptr<IecTally> tally)
      : server_(provider, options),
        timer_(io),
        software_parity_(software_parity),
        tap_(tap),
        tally_(std::move(tally)) {}
  ~IecPort() {
    timer_.cancel();
    if (tally_) tally_->AddClosed(Counters());
  }

  void Connect(std::string interface, std::string client, SendFunction send, BaudFunction baud) {
    interface_ = interface;
    client_ = client;
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
        // The server skips it and drops the message it was in.
        c = seven.value_or(IecMessageSplitter::kParityError);
      }
    }
    if (tap_) {
      for (const IecMessageSplitter::Message& m : splitter_.Feed(chars)) {
        ReportFrame(tap_, interface_, transport::FrameDirection::kReceived, client_,
                    {reinterpret_cast<const uint8_t*>(m.chars.data()), m.chars.size()},
                    DescribeIecMessage, m.note);
      }
    }
    server_.Feed(chars, at);
    Poll();
  }

  // The server's counters and the characters refused for their parity, by name.
  IecTally::Values Counters() const { return IecCounterValues(server_.counters(), parity_errors_); }

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
      ReportFrame(tap_, interface_, transport::FrameDirection::kSent, client_, bytes,
                  DescribeIecMessage);
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
  transport::TrafficTap* tap_;
  std::string interface_;
  std::string client_;
  IecMessageSplitter splitter_;
  std::shared_ptr<IecTally> tally_;  // TCP sessions: the listener's sum over closed sessions
};

IecTally::IecTally() : closed(IecCounterValues({}, 0)) {}

void IecTally::AddClosed(const Values& values) {
  for (size_t i = 0; i < values.size() && i < closed.size(); ++i)
    closed[i].second += values[i].second;
}

IecTally::Values IecTally::Total() const {
  Values total = closed;
  for (const std::weak_ptr<IecPort>& weak : live) {
    const std::shared_ptr<IecPort> port = weak.lock();
    if (!port) continue;
    const Values values = port->Counters();
    for (size_t i = 0; i < values.size(); ++i) total[i].second += values[i].second;
  }
  return total;
}

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
                                                     transport::TrafficTap* tap,
                                                     iec62056::ServerOptions options) {
  auto service = std::unique_ptr<IecService>(new IecService());
  for (const transport::SerialSpec& spec : plan.iec) {
    auto port = std::make_shared<IecPort>(io, provider, options, !spec.pty, tap, nullptr);
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
    auto tally = std::make_shared<IecTally>();
    auto server = transport::TcpServer::Listen(
        io, endpoint,
        [&io, shared_provider, options, tap,
         tally](transport::TcpConnection& connection) -> std::unique_ptr<transport::StreamHandler> {
          auto port = std::make_shared<IecPort>(io, *shared_provider, options, false, tap, tally);
          std::erase_if(tally->live, [](const std::weak_ptr<IecPort>& p) { return p.expired(); });
          tally->live.push_back(port);
          return std::make_unique<IecTcpSession>(connection, std::move(port));
        });
    if (!server.ok()) return server.status().WithContext("--iec-tcp");
    service->descriptions_.push_back("IEC 62056-21 optical port over TCP on " +
                                     transport::ToString((*server)->endpoint()));
    service->listeners_.push_back({std::move(*server), std::move(tally)});
  }
  return service;
}

IecService::~IecService() {
  // Sessions still open add to their tally as they close: the tallies go last.
  listeners_.clear();
  serial_lines_.clear();
  lines_.clear();
}

std::vector<std::string> IecService::Describe() const { return descriptions_; }

std::vector<web::InterfaceCounters> IecService::Counters() const {
  std::vector<web::InterfaceCounters> out;
  for (size_t k = 0; k < lines_.size(); ++k) {
    web::InterfaceCounters c{"iec " + serial_lines_[k]->name(), lines_[k]->Counters()};
    c.values.emplace_back("failed_baud_switches", serial_lines_[k]->failed_switches());
    out.push_back(std::move(c));
  }
  for (const Listener& l : listeners_) {
    web::InterfaceCounters c{"iec-tcp " + transport::ToString(l.server->endpoint()),
                             TcpServerCounterValues(l.server->counters())};
    const IecTally::Values sessions = l.tally->Total();
    c.values.insert(c.values.end(), sessions.begin(), sessions.end());
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace pro380::app
