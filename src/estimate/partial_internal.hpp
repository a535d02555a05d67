#pragma once
// Internal helpers of the partial statistics (src/estimate/*.cpp): a compact binary writer and
// reader for to_bytes/from_bytes, dictionaries from views and their union.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "doelenboom/error.hpp"
#include "doelenboom/partial.hpp"

namespace doelenboom::detail {

class ByteWriter {
 public:
  explicit ByteWriter(std::string_view magic) { out_.append(magic); }
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void put(const T& v) {
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void put(const std::string& s) {
    put(static_cast<std::uint64_t>(s.size()));
    out_.append(s);
  }
  void put(const Period& p) {
    put(static_cast<std::uint8_t>(p.frequency));
    put(static_cast<std::int32_t>(p.year));
    put(static_cast<std::int32_t>(p.sub));
  }
  void put(const ExactSum& s) {
    for (const std::int64_t limb : s.normalised()) put(limb);
  }
  template <class T>
  void put(const std::vector<T>& v) {
    put(static_cast<std::uint64_t>(v.size()));
    if constexpr (std::is_arithmetic_v<T>) {
      if (!v.empty()) out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
    } else {
      for (const T& x : v) put(x);
    }
  }
  template <class Name>
  void put(const PartialDictionary<Name>& d) {
    put(d.names);
    put(d.positions);
  }
  /// The fields of a record in order, as a std::tie of them: one list of a record's fields serves
  /// to_bytes (put_fields) and from_bytes (get_fields), so that the two cannot drift apart.
  template <class... T>
  void put_fields(const std::tuple<T&...>& fields) {
    std::apply([this](const auto&... v) { (put(v), ...); }, fields);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class ByteReader {
 public:
  ByteReader(std::string_view bytes, std::string_view magic, const char* what) : bytes_(bytes), what_(what) {
    if (bytes_.substr(0, magic.size()) != magic) fail();
    at_ = magic.size();
  }
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void get(T& v) {
    need(sizeof v);
    std::memcpy(&v, bytes_.data() + at_, sizeof v);
    at_ += sizeof v;
  }
  void get(std::string& s) {
    const std::size_t n = size();
    need(n);
    s.assign(bytes_.data() + at_, n);
    at_ += n;
  }
  void get(Period& p) {
    std::uint8_t f = 0;
    std::int32_t year = 0, sub = 0;
    get(f);
    get(year);
    get(sub);
    if (f > 2) fail();
    p = Period{static_cast<Frequency>(f), year, sub};
  }
  void get(ExactSum& s) {
    std::array<std::int64_t, ExactSum::limbs> limbs{};
    for (auto& l : limbs) get(l);
    s = ExactSum::from_limbs(limbs);
  }
  template <class T>
  void get(std::vector<T>& v) {
    const std::size_t n = size();
    if constexpr (std::is_arithmetic_v<T>) {
      need(n * sizeof(T));
      v.resize(n);
      if (n > 0) std::memcpy(v.data(), bytes_.data() + at_, n * sizeof(T));
      at_ += n * sizeof(T);
    } else {
      v.clear();
      v.reserve(std::min<std::size_t>(n, bytes_.size()));
      for (std::size_t i = 0; i < n; ++i) {
        T x{};
        get(x);
        v.push_back(std::move(x));
      }
    }
  }
  template <class Name>
  void get(PartialDictionary<Name>& d) {
    get(d.names);
    get(d.positions);
    if (d.names.size() != d.positions.size()) fail();
  }
  /// The counterpart of ByteWriter::put_fields.
  template <class... T>
  void get_fields(const std::tuple<T&...>& fields) {
    std::apply([this](auto&... v) { (get(v), ...); }, fields);
  }
  void finish() const {
    if (at_ != bytes_.size()) fail();
  }
  [[noreturn]] void fail() const {
    throw DataError(std::string("the bytes are not a serialised ") + what_ + " (" + std::to_string(bytes_.size()) +
                    " bytes; expected the output of to_bytes of this library version)");
  }

 private:
  std::size_t size() {
    std::uint64_t n = 0;
    get(n);
    if (n > bytes_.size()) fail();
    return static_cast<std::size_t>(n);
  }
  void need(std::size_t n) const {
    if (n > bytes_.size() - at_) fail();
  }
  std::string_view bytes_;
  const char* what_;
  std::size_t at_ = 0;
};

// A view's dictionary as a partial's: entry `code` gets position + code.
template <class Name>
PartialDictionary<Name> dictionary_of(const std::vector<Name>& names, std::uint64_t position) {
  PartialDictionary<Name> d;
  d.names = names;
  d.positions.resize(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) d.positions[i] = position + i;
  return d;
}

// The union of two dictionaries (each name at its smallest position, in position order) and where
// each entry of a and b went.
template <class Name>
struct DictionaryUnion {
  PartialDictionary<Name> merged;
  std::vector<std::uint32_t> from_a, from_b;
};

template <class Name>
DictionaryUnion<Name> unite(const PartialDictionary<Name>& a, const PartialDictionary<Name>& b) {
  std::map<Name, std::uint64_t> first;
  for (const auto* d : {&a, &b}) {
    for (std::size_t i = 0; i < d->names.size(); ++i) {
      auto [it, fresh] = first.emplace(d->names[i], d->positions[i]);
      if (!fresh) it->second = std::min(it->second, d->positions[i]);
    }
  }
  std::vector<std::pair<std::uint64_t, const Name*>> order;
  order.reserve(first.size());
  for (const auto& [name, pos] : first) order.emplace_back(pos, &name);
  std::sort(order.begin(), order.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first < y.first : *x.second < *y.second;
  });
  DictionaryUnion<Name> u;
  std::map<Name, std::uint32_t> code;
  for (const auto& [pos, name] : order) {
    code.emplace(*name, static_cast<std::uint32_t>(u.merged.names.size()));
    u.merged.names.push_back(*name);
    u.merged.positions.push_back(pos);
  }
  for (const auto& n : a.names) u.from_a.push_back(code.at(n));
  for (const auto& n : b.names) u.from_b.push_back(code.at(n));
  return u;
}

// The source of a merge: the same in both (an empty partial takes the other's).
inline std::string merged_source(const std::string& a, std::uint64_t rows_a, const std::string& b, std::uint64_t rows_b,
                                 const char* what) {
  if (rows_a == 0) return b;
  if (rows_b == 0 || a == b) return a;
  throw DataError(std::string("cannot merge ") + what + " partials of different sources " + squote(a) + " and " + squote(b) +
                  " (expected one source: give every partition the same source)");
}

}  // namespace doelenboom::detail

namespace doelenboom::detail {
// The survey partial of answers already checked (estimate_survey checks them with its options).
SurveyPartial survey_partial_unchecked(const ResponseView& data, std::uint64_t position);
// The reach partial of registrations already checked (estimate_reach checks them), with the clients
// in the order of their first row; ReachPartial::from_view sorts them by (group, client).
ReachPartial reach_partial_unchecked(const RegistrationView& data, std::uint64_t position);
}  // namespace doelenboom::detail
