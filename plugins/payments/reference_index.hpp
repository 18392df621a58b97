// The open invoices by normalised reference, for the matcher's lookups: a million invoices, and
// a few dozen lookups per bank movement (every token and pair of tokens of its texts), most of
// which name nothing.
//
// Open addressing over one array of slots, with the keys' bytes in one arena: a miss costs one
// cache line, where std::unordered_map's node per key cost two misses per lookup and a
// fifth of `payments match` on the 100,000-movement benchmark (bench/README.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::payments {

class ReferenceIndex {
public:
  // What find() answers for a key that two values were inserted under.
  static constexpr std::size_t kAmbiguous = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t kAbsent = kAmbiguous - 1;

  explicit ReferenceIndex(std::size_t expected = 0) { rehash(capacity_for(expected)); }

  // A second value under a key already present makes the key ambiguous.
  void insert(std::string_view key, std::size_t value) {
    if ((entries_.size() + 1) * 4 > slots_.size() * 3) {
      rehash(slots_.size() * 2);
    }
    const std::uint64_t h = hash(key);
    for (std::size_t s = h & mask_;; s = (s + 1) & mask_) {
      Slot &slot = slots_[s];
      if (slot.entry == kEmpty) {
        slot = Slot{h, static_cast<std::uint32_t>(entries_.size())};
        entries_.push_back(
            Entry{static_cast<std::uint64_t>(arena_.size()), static_cast<std::uint32_t>(key.size()), value});
        arena_.append(key);
        return;
      }
      if (slot.hash == h && key_of(slot.entry) == key) {
        entries_[slot.entry].value = kAmbiguous;
        return;
      }
    }
  }

  [[nodiscard]] std::size_t find(std::string_view key) const {
    const std::uint64_t h = hash(key);
    for (std::size_t s = h & mask_;; s = (s + 1) & mask_) {
      const Slot &slot = slots_[s];
      if (slot.entry == kEmpty) {
        return kAbsent;
      }
      if (slot.hash == h && key_of(slot.entry) == key) {
        return entries_[slot.entry].value;
      }
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

private:
  static constexpr std::uint32_t kEmpty = std::numeric_limits<std::uint32_t>::max();

  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t entry = kEmpty;
  };
  struct Entry {
    std::uint64_t offset;
    std::uint32_t length;
    std::size_t value;
  };

  static std::uint64_t hash(std::string_view key) noexcept { return std::hash<std::string_view>{}(key); }

  // At most three slots in four used, in a power of two.
  static std::size_t capacity_for(std::size_t n) {
    std::size_t c = 16;
    while (c * 3 < n * 4) {
      c *= 2;
    }
    return c;
  }

  [[nodiscard]] std::string_view key_of(std::uint32_t entry) const noexcept {
    const Entry &e = entries_[entry];
    return std::string_view(arena_).substr(e.offset, e.length);
  }

  void rehash(std::size_t capacity) {
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (std::uint32_t i = 0; i < entries_.size(); ++i) {
      const std::uint64_t h = hash(key_of(i));
      std::size_t s = h & mask_;
      while (slots_[s].entry != kEmpty) {
        s = (s + 1) & mask_;
      }
      slots_[s] = Slot{h, i};
    }
  }

  std::vector<Slot> slots_;
  std::vector<Entry> entries_;
  std::string arena_;
  std::size_t mask_ = 0;
};

} // namespace cartera::payments
