#include "app/mbus_bus.h"

namespace pro380::app {

MbusBus::MbusBus(std::vector<MbusUnit> units, std::string interface)
    : units_(std::move(units)), interface_(std::move(interface)) {
  for (const MbusUnit& unit : units_)
    slaves_.push_back(std::make_unique<mbus::Slave>(*unit.device));
}

bool MbusBus::Listens(size_t index, int line_baud) const {
  const MbusUnit& unit = units_[index];
  if (!unit.meter->registering()) return false;
  return line_baud == 0 || unit.settings->mbus_baud_rate == line_baud;
}

std::vector<uint8_t> MbusBus::Handle(const mbus::Frame& frame, std::string_view client,
                                     TimePoint now, int line_baud) {
  const mbus::RequestContext context{interface_, client, frame.address, now};
  std::vector<uint8_t> heard;
  int answers = 0;
  for (size_t i = 0; i < units_.size(); ++i) {
    if (!Listens(i, line_baud)) continue;
    std::optional<std::vector<uint8_t>> reply = slaves_[i]->Handle(frame, context);
    if (!reply) continue;
    ++answers;
    heard.insert(heard.end(), reply->begin(), reply->end());
  }
  if (answers > 1) ++collisions_;
  return heard;
}

}  // namespace pro380::app
