#include "app/interface_counters.h"

namespace pro380::app {
namespace {

// The meters' slave counters (each or summed), then the bus's own.
void AddMbusBusCounters(const MbusBus& bus, MeterCounters how, CounterValues& values) {
  MeterCounterValues meters(values, how, bus.units().size());
  for (size_t k = 0; k < bus.units().size(); ++k) {
    const mbus::SlaveCounters& c = bus.slave(k).counters();
    meters.Add(bus.units()[k].serial, {{"requests", c.requests},
                                       {"data_replies", c.data_replies},
                                       {"acks", c.acks},
                                       {"repeats", c.repeats},
                                       {"broadcasts", c.broadcasts},
                                       {"other_address", c.other_address},
                                       {"unselected", c.unselected},
                                       {"selections", c.selections},
                                       {"deselections", c.deselections},
                                       {"writes", c.writes},
                                       {"writes_refused", c.writes_refused},
                                       {"baud_changes", c.baud_changes},
                                       {"unsupported", c.unsupported},
                                       {"ignored", c.ignored}});
  }
  const auto& drops = bus.drops();
  values.insert(values.end(),
                {{"dropped_checksum", drops[static_cast<size_t>(mbus::DropReason::kChecksum)]},
                 {"dropped_length", drops[static_cast<size_t>(mbus::DropReason::kLength)]},
                 {"dropped_stop_byte", drops[static_cast<size_t>(mbus::DropReason::kStopByte)]},
                 {"dropped_incomplete", drops[static_cast<size_t>(mbus::DropReason::kIncomplete)]},
                 {"collisions", bus.collisions()}});
}

// The meters' server and FC08 diagnostic counters (each or summed), then the bus's own.
void AddModbusBusCounters(const ModbusBus& bus, MeterCounters how, CounterValues& values) {
  MeterCounterValues meters(values, how, bus.units().size());
  for (size_t k = 0; k < bus.units().size(); ++k) {
    const modbus::ServerCounters& c = bus.server(k).counters();
    const modbus::DiagnosticCounters& d = bus.server(k).diagnostics();
    meters.Add(bus.units()[k].serial, {{"requests", c.requests},
                                       {"replies", c.replies},
                                       {"exceptions", c.exceptions},
                                       {"broadcast_writes", c.broadcast_writes},
                                       {"other_address", c.other_address},
                                       {"fc08_bus_messages", d.bus_messages},
                                       {"fc08_bus_errors", d.bus_errors},
                                       {"fc08_exception_errors", d.exception_errors},
                                       {"fc08_server_messages", d.server_messages},
                                       {"fc08_server_no_response", d.server_no_response}});
  }
  values.emplace_back("collisions", bus.collisions());
}

web::InterfaceCounters ListenerCounters(std::string_view kind,
                                        const ModbusService::Listener& listener,
                                        MeterCounters how) {
  web::InterfaceCounters out{
      std::string(kind) + " " + transport::ToString(listener.server->endpoint()),
      TcpServerCounterValues(listener.server->counters())};
  AddModbusBusCounters(*listener.bus, how, out.values);
  return out;
}

}  // namespace

MeterCounterValues::MeterCounterValues(CounterValues& values, MeterCounters how, std::size_t meters)
    : values_(values), how_(how) {
  if (how_ == MeterCounters::kSummed) values_.emplace_back("meters", meters);
  first_total_ = values_.size();
}

void MeterCounterValues::Add(
    const std::string& serial,
    std::initializer_list<std::pair<std::string_view, uint64_t>> counters) {
  if (how_ == MeterCounters::kEach) {
    const std::string prefix = "meter_" + serial + ".";
    for (const auto& [name, value] : counters) {
      values_.emplace_back(prefix + std::string(name), value);
    }
    return;
  }
  if (first_meter_) {
    for (const auto& [name, value] : counters) values_.emplace_back(std::string(name), value);
    first_meter_ = false;
    return;
  }
  std::size_t k = first_total_;
  for (const auto& counter : counters) values_[k++].second += counter.second;
}

CounterValues TcpServerCounterValues(const transport::TcpServerCounters& c) {
  return {{"connections_open", c.open},
          {"connections_accepted", c.accepted},
          {"connections_refused_full", c.refused_full},
          {"closed_by_peer", c.closed_by_peer},
          {"closed_idle", c.closed_idle},
          {"closed_by_session", c.closed_by_session},
          {"closed_slow_reader", c.closed_slow_reader}};
}

std::vector<web::InterfaceCounters> ModbusCounters(const ModbusService& service,
                                                   MeterCounters how) {
  std::vector<web::InterfaceCounters> out;
  for (const auto& l : service.tcp()) out.push_back(ListenerCounters("modbus-tcp", l, how));
  for (const auto& l : service.rtu_over_tcp()) {
    out.push_back(ListenerCounters("rtu-over-tcp", l, how));
  }
  for (const auto& line : service.rtu_lines()) {
    const modbus::RtuFramerCounters& f = line->framer_counters();
    web::InterfaceCounters c{"modbus-rtu " + line->name(),
                             {{"bytes", f.bytes},
                              {"frames", f.frames},
                              {"crc_errors", f.crc_errors},
                              {"too_short", f.too_short},
                              {"too_long", f.too_long},
                              {"gap_errors", f.gap_errors},
                              {"failed_line_switches", line->failed_switches()}}};
    AddModbusBusCounters(line->bus(), how, c.values);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<web::InterfaceCounters> MbusCounters(const MbusService& service, MeterCounters how) {
  std::vector<web::InterfaceCounters> out;
  for (const MbusService::Listener& l : service.tcp()) {
    web::InterfaceCounters c{"mbus-tcp " + transport::ToString(l.server->endpoint()),
                             TcpServerCounterValues(l.server->counters())};
    AddMbusBusCounters(*l.bus, how, c.values);
    out.push_back(std::move(c));
  }
  for (const auto& line : service.lines()) {
    const mbus::FramerCounters& f = line->framer_counters();
    web::InterfaceCounters c{"mbus " + line->name(),
                             {{"bytes", f.bytes},
                              {"frames", f.frames},
                              {"checksum_errors", f.checksum_errors},
                              {"length_errors", f.length_errors},
                              {"stop_errors", f.stop_errors},
                              {"incomplete", f.incomplete},
                              {"skipped_bytes", f.skipped_bytes},
                              {"failed_baud_switches", line->failed_switches()}}};
    AddMbusBusCounters(line->bus(), how, c.values);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace pro380::app
