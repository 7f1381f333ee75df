// Fuzz target: the client side of IEC 62056-21 (protocol/iec62056/client.h) on arbitrary
// answers. Byte 0 picks the exchange (sign-on, readout, programming, password, write, read), the
// chunk size (1..32) and whether the line carries parity bits; the rest is what the meter sends.
// Invariants: no crash; exactly one outcome per exchange (the data ends in a timeout at the
// latest); what the engine sends is a NAK or the request again, in 7 bits when the line has no
// parity; a readout's data sets have no ( ) * / ! in their fields; the outcome does not depend
// on the chunking; every byte fed is counted.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <variant>

#include "fuzz_check.h"
#include "protocol/iec62056/client.h"

using pro380::fuzz::Check;
namespace iec = pro380::iec62056;

namespace {

std::string Describe(const iec::ClientOutcome& outcome) {
  if (const auto* error = std::get_if<iec::ClientError>(&outcome)) return "E" + error->Describe();
  const iec::Answer& answer = std::get<iec::Answer>(outcome);
  std::string out = std::to_string(static_cast<int>(answer.kind)) + answer.text;
  for (const iec::DataSet& set : answer.data_sets) {
    for (const std::string* field : {&set.address, &set.value, &set.unit}) {
      Check(field->find_first_of("()*/!") == std::string::npos, "data set fields are clean");
    }
    out += "|" + iec::Format(set);
  }
  return out;
}

std::string Run(uint8_t kind, bool parity, std::span<const uint8_t> answer, std::size_t chunk) {
  iec::IecClient client(iec::ClientOptions{.parity_on_line = parity});
  pro380::TimePoint now{std::chrono::seconds(100)};
  // Sign on first so that SelectOption has an identification, then run the fuzzed exchange.
  client.SignOn("", now);
  const std::string identification = "/INM5PRO380-Mod\r\n";
  for (char c : identification) {
    const auto byte = static_cast<uint8_t>(c);
    const uint8_t sent = parity ? iec::AddEvenParity(byte) : byte;
    client.Feed(std::span(&sent, 1), now);
  }
  Check(client.Poll(now).outcome.has_value(), "the identification is read");
  iec::ClientStep step;
  switch (kind % 6) {
    case 0:
      step = client.SignOn("12345678", now);
      break;
    case 1:
      step = client.SelectOption(false, now);
      break;
    case 2:
      step = client.SelectOption(true, now);
      break;
    case 3:
      step = client.SendPassword("00000000", now);
      break;
    case 4:
      step = client.SendWrite("138.0.1", "100", now);
      break;
    default:
      step = client.SendRead("1.8.0", now);
      break;
  }
  const std::vector<uint8_t> request = step.send;
  std::string outcome;
  int outcomes = 0;
  const auto take = [&](const iec::ClientStep& s) {
    if (!s.send.empty()) {
      const bool nak = s.send.size() == 1 && (s.send[0] & 0x7F) == iec::kNak;
      Check(nak || s.send == request, "only a NAK or the request again is sent");
      for (uint8_t b : s.send) Check(parity || b < 0x80, "7-bit without parity on the line");
    }
    if (s.outcome) {
      ++outcomes;
      outcome = Describe(*s.outcome);
    }
  };
  const uint64_t chars_before = client.counters().chars;
  std::size_t fed = 0;
  for (std::size_t at = 0; at < answer.size() && client.busy(); at += chunk) {
    const auto part = answer.subspan(at, std::min(chunk, answer.size() - at));
    client.Feed(part, now);
    fed += part.size();
    take(client.Poll(now));
  }
  Check(client.counters().chars - chars_before == fed, "every byte fed is counted");
  for (int i = 0; i < 10 && client.busy(); ++i) {
    now += std::chrono::seconds(3);
    take(client.Poll(now));
  }
  Check(!client.busy() && outcomes == 1, "exactly one outcome per exchange");
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const uint8_t kind = data[0];
  const bool parity = (kind & 0x80) != 0;
  const std::size_t chunk = 1 + ((kind >> 3) & 0x0F) * 2;
  const std::span<const uint8_t> answer(data + 1, size - 1);
  const std::string whole = Run(kind, parity, answer, answer.size() + 1);
  const std::string chunked = Run(kind, parity, answer, chunk);
  Check(whole == chunked, "the outcome does not depend on the chunking");
  return 0;
}
