#include "protocol/mbus/records.h"

#include <algorithm>
#include <bit>
#include <string>

namespace pro380::mbus {
namespace {

constexpr uint8_t kExtension = 0x80;

std::string At(std::size_t offset) { return " at data byte " + std::to_string(offset); }

}  // namespace

void AppendHeader(std::vector<uint8_t>& out, const RecordHeader& header) {
  uint32_t storage = header.storage >> 1;
  uint32_t tariff = header.tariff;
  uint32_t subunit = header.subunit;
  const auto dif = static_cast<uint8_t>(static_cast<uint8_t>(header.data) |
                                        (static_cast<uint8_t>(header.function) << 4) |
                                        ((header.storage & 1U) << 6));
  out.push_back(dif);
  std::size_t last = out.size() - 1;
  while (storage != 0 || tariff != 0 || subunit != 0) {
    out[last] |= kExtension;
    out.push_back(
        static_cast<uint8_t>((storage & 0x0F) | ((tariff & 0x03) << 4) | ((subunit & 0x01) << 6)));
    last = out.size() - 1;
    storage >>= 4;
    tariff >>= 2;
    subunit >>= 1;
  }
  const Vib& vib = header.vib;
  if (!vib.plain_text.empty()) {
    out.push_back(kVifPlainText);
    out.push_back(static_cast<uint8_t>(vib.plain_text.size()));
    for (auto it = vib.plain_text.rbegin(); it != vib.plain_text.rend(); ++it) {
      out.push_back(static_cast<uint8_t>(*it));
    }
    return;
  }
  out.insert(out.end(), vib.bytes.begin(), vib.bytes.begin() + vib.size);
}

void AppendBcd(std::vector<uint8_t>& out, int64_t value, std::size_t bytes) {
  const std::size_t digits = 2 * bytes;
  const bool negative = value < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  uint64_t limit = 1;
  for (std::size_t i = 0; i < (negative ? digits - 1 : digits); ++i) limit *= 10;
  magnitude = negative ? std::min(magnitude, limit - 1) : magnitude % limit;
  for (std::size_t i = 0; i < bytes; ++i) {
    const auto low = static_cast<uint8_t>(magnitude % 10);
    magnitude /= 10;
    auto high = static_cast<uint8_t>(magnitude % 10);
    magnitude /= 10;
    if (negative && i + 1 == bytes) high = 0x0F;
    out.push_back(static_cast<uint8_t>((high << 4) | low));
  }
}

std::optional<int64_t> DecodeBcd(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return std::nullopt;
  int64_t value = 0;
  bool negative = false;
  for (std::size_t i = bytes.size(); i > 0; --i) {
    const int high = bytes[i - 1] >> 4;
    const int low = bytes[i - 1] & 0x0F;
    if (i == bytes.size() && high == 0x0F) {
      negative = true;
    } else if (high > 9) {
      return std::nullopt;
    } else {
      value = value * 10 + high;
    }
    if (low > 9) return std::nullopt;
    value = value * 10 + low;
  }
  return negative ? -value : value;
}

void AppendRecord(std::vector<uint8_t>& out, const RecordHeader& header, int64_t value) {
  AppendHeader(out, header);
  const std::size_t size = DataSize(header.data);
  if (IsBcd(header.data)) {
    AppendBcd(out, value, size);
    return;
  }
  auto bits = static_cast<uint64_t>(value);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(static_cast<uint8_t>(bits & 0xFF));
    bits >>= 8;
  }
}

void AppendReal32Record(std::vector<uint8_t>& out, const RecordHeader& header, float value) {
  AppendHeader(out, header);
  const auto bits = std::bit_cast<uint32_t>(value);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(bits >> (8 * i)));
}

float DecodeReal32(std::span<const uint8_t, 4> bytes) {
  uint32_t bits = 0;
  for (int i = 3; i >= 0; --i) bits = (bits << 8) | bytes[static_cast<std::size_t>(i)];
  return std::bit_cast<float>(bits);
}

void AppendVariableRecord(std::vector<uint8_t>& out, const RecordHeader& header,
                          std::span<const uint8_t> bytes) {
  AppendHeader(out, header);
  out.push_back(static_cast<uint8_t>(bytes.size()));
  out.insert(out.end(), bytes.begin(), bytes.end());
}

bool SameRecord(const RecordHeader& readout, const RecordHeader& received) {
  if (readout.data != received.data || readout.function != received.function ||
      readout.storage != received.storage || readout.tariff != received.tariff ||
      readout.subunit != received.subunit || readout.vib.size != received.vib.size ||
      readout.vib.bytes != received.vib.bytes) {
    return false;
  }
  const std::string_view text = readout.vib.plain_text;
  return text.size() == received.vib.plain_text.size() &&
         std::equal(text.rbegin(), text.rend(), received.vib.plain_text.begin());
}

Result<std::vector<ParsedRecord>> ParseRecords(std::span<const uint8_t> data) {
  auto parsed = ParseTelegramRecords(data);
  if (!parsed.ok()) return parsed.status();
  return std::move(parsed->records);
}

Result<ParsedTelegram> ParseTelegramRecords(std::span<const uint8_t> data) {
  ParsedTelegram telegram;
  std::vector<ParsedRecord>& records = telegram.records;
  std::size_t i = 0;
  while (i < data.size()) {
    const uint8_t dif = data[i];
    if (dif == kDifIdleFiller) {
      ++i;
      continue;
    }
    if (dif == kDifManufacturerData || dif == kDifMoreRecordsFollow) {  // vendor data
      telegram.tail_dif = dif;
      break;
    }
    ParsedRecord record;
    const std::size_t start = i;
    RecordHeader& h = record.header;
    h.data = static_cast<DataField>(dif & 0x0F);
    h.function = static_cast<Function>((dif >> 4) & 0x03);
    uint32_t storage = (dif >> 6) & 1U;
    uint32_t tariff = 0;
    uint32_t subunit = 0;
    ++i;
    int dife_count = 0;
    bool more = (dif & kExtension) != 0;
    while (more) {
      if (i >= data.size()) return Status::InvalidArgument("record ends in its DIFEs" + At(start));
      if (dife_count == 3) return Status::InvalidArgument("more than 3 DIFEs" + At(start));
      const uint8_t dife = data[i++];
      storage |= static_cast<uint32_t>(dife & 0x0F) << (1 + 4 * dife_count);
      tariff |= static_cast<uint32_t>((dife >> 4) & 0x03) << (2 * dife_count);
      subunit |= static_cast<uint32_t>((dife >> 6) & 0x01) << dife_count;
      ++dife_count;
      more = (dife & kExtension) != 0;
    }
    if (storage > 0xFFFF || tariff > 0xFF || subunit > 0xFF) {
      return Status::InvalidArgument("storage, tariff or subunit out of range" + At(start));
    }
    h.storage = static_cast<uint16_t>(storage);
    h.tariff = static_cast<uint8_t>(tariff);
    h.subunit = static_cast<uint8_t>(subunit);
    if (i >= data.size()) return Status::InvalidArgument("record has no VIF" + At(start));
    const uint8_t vif = data[i++];
    h.vib.bytes[0] = vif;
    h.vib.size = 1;
    if ((vif & 0x7F) == kVifPlainText) {
      if (i >= data.size())
        return Status::InvalidArgument("plain-text VIF has no length" + At(start));
      const std::size_t length = data[i++];
      if (length == 0 || i + length > data.size()) {
        return Status::InvalidArgument("plain-text VIF is truncated" + At(start));
      }
      h.vib.plain_text = std::string_view(reinterpret_cast<const char*>(&data[i]), length);
      i += length;
    }
    more = (vif & kExtension) != 0;
    const bool table_extension = vif == 0xFB || vif == 0xFD;
    while (more) {
      if (i >= data.size()) return Status::InvalidArgument("record ends in its VIFEs" + At(start));
      const uint8_t vife = data[i++];
      more = (vife & kExtension) != 0;
      if (table_extension && h.vib.size == 1) {
        h.vib.bytes[1] = vife;
        h.vib.size = 2;
      } else if (record.action_count < record.action_vifes.size()) {
        record.action_vifes[record.action_count++] = vife & 0x7F;
      } else {
        return Status::InvalidArgument("too many VIFEs" + At(start));
      }
    }
    // The VIB as compared with a readout: extension bits as a record without actions has them.
    if (record.action_count > 0) h.vib.bytes[h.vib.size - 1] &= 0x7F;
    std::size_t size = DataSize(h.data);
    if (h.data == DataField::kVariable) {
      if (i >= data.size())
        return Status::InvalidArgument("variable data has no length" + At(start));
      size = data[i++];
      if (size > 0xBF) return Status::InvalidArgument("unsupported variable data type" + At(start));
    } else if ((dif & 0x0F) == 0x0F) {
      return Status::InvalidArgument("special function in a record" + At(start));
    } else if ((dif & 0x0F) == 0x08) {
      size = 0;  // selection for readout: no data
    }
    if (i + size > data.size())
      return Status::InvalidArgument("record data is truncated" + At(start));
    record.data = data.subspan(i, size);
    i += size;
    if (IsBcd(h.data)) {
      if (auto v = DecodeBcd(record.data)) {
        record.value = *v;
        record.value_valid = true;
      }
    } else if (size > 0 && h.data != DataField::kReal32 && h.data != DataField::kVariable) {
      uint64_t bits = 0;
      for (std::size_t k = size; k > 0; --k) bits = (bits << 8) | record.data[k - 1];
      if (size < 8 && (record.data[size - 1] & 0x80) != 0) bits |= ~uint64_t{0} << (8 * size);
      record.value = static_cast<int64_t>(bits);
      record.value_valid = true;
    }
    records.push_back(record);
  }
  telegram.records_size = i;
  return telegram;
}

}  // namespace pro380::mbus
