// Reads the records packed by src/record-batch.ts (RecordBatchWriter), one at a time, checking
// that each lies within the buffer. Per record, little endian: u32 id, i32 partition, u32 key
// length, u16 header count, key, u32 value length, value, then per header u16 name length, name,
// u32 value length, value.
#pragma once

#include <cstdint>
#include <cstring>

namespace mirrorlab {

struct PackedHeader {
  const char* name;
  size_t nameLength;
  const uint8_t* value;
  size_t valueLength;
};

struct PackedRecord {
  uint32_t id;
  int32_t partition;
  const uint8_t* key;
  size_t keyLength;
  const uint8_t* value;
  size_t valueLength;
  uint16_t headerCount;
};

class RecordBatchReader {
 public:
  RecordBatchReader(const uint8_t* data, size_t length) : p_(data), end_(data + length) {}

  // The next record's fixed part, key and value; its headers follow through NextHeader().
  // False when the record runs past the end of the buffer.
  bool NextRecord(PackedRecord& r) {
    const uint8_t* fixed = Take(14);
    if (fixed == nullptr) return false;
    r.id = U32(fixed);
    r.partition = static_cast<int32_t>(U32(fixed + 4));
    r.keyLength = U32(fixed + 8);
    r.headerCount = U16(fixed + 12);
    r.key = Take(r.keyLength);
    const uint8_t* valueLength = r.key ? Take(4) : nullptr;
    if (valueLength == nullptr) return false;
    r.valueLength = U32(valueLength);
    r.value = Take(r.valueLength);
    return r.value != nullptr;
  }

  bool NextHeader(PackedHeader& h) {
    const uint8_t* nameLength = Take(2);
    const uint8_t* name = nameLength ? Take(U16(nameLength)) : nullptr;
    const uint8_t* valueLength = name ? Take(4) : nullptr;
    const uint8_t* value = valueLength ? Take(U32(valueLength)) : nullptr;
    if (value == nullptr) return false;
    h = {reinterpret_cast<const char*>(name), U16(nameLength), value, U32(valueLength)};
    return true;
  }

 private:
  const uint8_t* Take(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) return nullptr;
    const uint8_t* at = p_;
    p_ += n;
    return at;
  }
  static uint32_t U32(const uint8_t* at) {
    uint32_t v;
    std::memcpy(&v, at, 4);
    return v;
  }
  static uint16_t U16(const uint8_t* at) {
    uint16_t v;
    std::memcpy(&v, at, 2);
    return v;
  }

  const uint8_t* p_;
  const uint8_t* end_;
};

}  // namespace mirrorlab
