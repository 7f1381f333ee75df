#include "app/mbus_bus.h"

#include "app/mbus_traffic.h"
#include "app/traffic_report.h"

namespace pro380::app {

MbusBus::MbusBus(std::vector<MbusUnit> units, std::string interface, transport::TrafficTap* tap)
    : units_(std::move(units)), interface_(std::move(interface)), tap_(tap) {
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
  if (tap_) {
    ReportFrame(tap_, interface_, transport::FrameDirection::kReceived, client, mbus::Encode(frame),
                DescribeMbusFrame);
  }
  const mbus::RequestContext context{interface_, client, frame.address, now};
  std::vector<uint8_t> heard;
  int answers = 0;
  for (size_t i = 0; i < units_.size(); ++i) {
    if (!Listens(i, line_baud)) continue;
    std::optional<std::vector<uint8_t>> reply = slaves_[i]->Handle(frame, context);
    if (!reply) continue;
    ++answers;
    ReportFrame(tap_, interface_, transport::FrameDirection::kSent, client, *reply,
                DescribeMbusFrame, answers > 1 ? "collision: another meter answered too" : "");
    heard.insert(heard.end(), reply->begin(), reply->end());
  }
  if (answers > 1) ++collisions_;
  return heard;
}

void MbusBus::Dropped(std::string_view client, mbus::DropReason reason) {
  ++drops_[static_cast<size_t>(reason)];
  ReportFrame(tap_, interface_, transport::FrameDirection::kReceived, client, {}, nullptr,
              MbusDropNote(reason));
}

}  // namespace pro380::app
