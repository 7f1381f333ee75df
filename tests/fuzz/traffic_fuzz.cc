// Fuzz target: the traffic log's readers (app/*_traffic.h) on arbitrary bytes, as a damaged or
// hostile bus can hand them. Byte 0 picks the chunk size (1..8) the optical-port splitter is fed
// in. Invariants: no decoder crashes on any bytes in either direction; the splitter cuts the same
// messages with the same notes whether the characters arrive at once or in chunks; no message is
// longer than the splitter's limit plus the character that overran it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "app/iec_traffic.h"
#include "app/mbus_traffic.h"
#include "app/modbus_traffic.h"
#include "fuzz_check.h"

using pro380::app::IecMessageSplitter;
using pro380::fuzz::Check;
using pro380::transport::FrameDirection;

namespace {

std::span<const uint8_t> BytesOf(const std::string& chars) {
  return {reinterpret_cast<const uint8_t*>(chars.data()), chars.size()};
}

void DescribeAll(std::span<const uint8_t> bytes) {
  for (const FrameDirection direction : {FrameDirection::kReceived, FrameDirection::kSent}) {
    pro380::app::DescribeMbusFrame(bytes, direction);
    pro380::app::DescribeMbapFrame(bytes, direction);
    pro380::app::DescribeRtuFrame(bytes, direction);
    pro380::app::DescribeIecMessage(bytes, direction);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  DescribeAll(input);

  const std::size_t chunk = size == 0 ? 1 : data[0] % 8 + 1;
  IecMessageSplitter whole;
  IecMessageSplitter chunked;
  const std::vector<IecMessageSplitter::Message> at_once = whole.Feed(input);
  std::vector<IecMessageSplitter::Message> in_chunks;
  for (std::size_t at = 0; at < size; at += chunk) {
    auto part = chunked.Feed(input.subspan(at, std::min(chunk, size - at)));
    in_chunks.insert(in_chunks.end(), part.begin(), part.end());
  }
  Check(at_once.size() == in_chunks.size(), "the chunking changes the number of messages");
  for (std::size_t k = 0; k < at_once.size(); ++k) {
    Check(at_once[k].chars == in_chunks[k].chars, "the chunking changes a message");
    Check(at_once[k].note == in_chunks[k].note, "the chunking changes a message's note");
    Check(at_once[k].chars.size() <= IecMessageSplitter::kMaxMessage + 1, "a message too long");
    DescribeAll(BytesOf(at_once[k].chars));
  }
  return 0;
}
