#include "app/interface_counters.h"

namespace pro380::app {
namespace {

// Per meter of the bus its slave's counters, then the bus's own.
void AddMbusBusCounters(const MbusBus& bus, CounterValues& values) {
  for (size_t k = 0; k < bus.units().size(); ++k) {
    const std::string prefix = "meter_" + bus.units()[k].serial + ".";
    const mbus::SlaveCounters& c = bus.slave(k).counters();
    values.insert(values.end(), {{prefix + "requests", c.requests},
                                 {prefix + "data_replies", c.data_replies},
                                 {prefix + "acks", c.acks},
                                 {prefix + "repeats", c.repeats},
                                 {prefix + "broadcasts", c.broadcasts},
                                 {prefix + "other_address", c.other_address},
                                 {prefix + "unselected", c.unselected},
                                 {prefix + "selections", c.selections},
                                 {prefix + "deselections", c.deselections},
                                 {prefix + "writes", c.writes},
                                 {prefix + "writes_refused", c.writes_refused},
                                 {prefix + "baud_changes", c.baud_changes},
                                 {prefix + "unsupported", c.unsupported},
                                 {prefix + "ignored", c.ignored}});
  }
  const auto& drops = bus.drops();
  values.insert(values.end(),
                {{"dropped_checksum", drops[static_cast<size_t>(mbus::DropReason::kChecksum)]},
                 {"dropped_length", drops[static_cast<size_t>(mbus::DropReason::kLength)]},
                 {"dropped_stop_byte", drops[static_cast<size_t>(mbus::DropReason::kStopByte)]},
                 {"dropped_incomplete", drops[static_cast<size_t>(mbus::DropReason::kIncomplete)]},
                 {"collisions", bus.collisions()}});
}

}  // namespace

CounterValues TcpServerCounterValues(const transport::TcpServerCounters& c) {
  return {{"connections_open", c.open},
          {"connections_accepted", c.accepted},
          {"connections_refused_full", c.refused_full},
          {"closed_by_peer", c.closed_by_peer},
          {"closed_idle", c.closed_idle},
          {"closed_by_session", c.closed_by_session},
          {"closed_slow_reader", c.closed_slow_reader}};
}

std::vector<web::InterfaceCounters> MbusCounters(const MbusService& service) {
  std::vector<web::InterfaceCounters> out;
  for (const MbusService::Listener& l : service.tcp()) {
    web::InterfaceCounters c{"mbus-tcp " + transport::ToString(l.server->endpoint()),
                             TcpServerCounterValues(l.server->counters())};
    AddMbusBusCounters(*l.bus, c.values);
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
    AddMbusBusCounters(line->bus(), c.values);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace pro380::app
