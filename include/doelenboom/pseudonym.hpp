#pragma once
// Pseudonymisation of client identifiers: a keyed hash (HMAC-SHA-256 with a key the user supplies,
// via OpenSSL), truncated to 64 bits. Readers apply it to every client id as they read, so raw ids
// are never stored or exported. The same key gives the same pseudonym; another key another one.
// Python check: int.from_bytes(hmac.new(key, id, "sha256").digest()[:8], "big").

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace doelenboom {

struct CellTable;

class Pseudonymiser {
 public:
  /// At least 16 bytes of key; throws DataError otherwise (a short key makes pseudonyms guessable).
  explicit Pseudonymiser(std::string key);
  /// The first 8 bytes of HMAC-SHA-256(key, id), big-endian.
  [[nodiscard]] std::uint64_t operator()(std::string_view id) const;
  /// The pseudonyms of many ids: the same numbers, with one working context for all of them.
  [[nodiscard]] std::vector<std::uint64_t> many(std::span<const std::string> ids) const;
  [[nodiscard]] std::vector<std::uint64_t> many(std::span<const std::string_view> ids) const;
  /// The same as 16 lowercase hex digits.
  [[nodiscard]] std::string hex(std::string_view id) const;

  static constexpr std::size_t min_key_bytes = 16;

  /// The SHA-256 states after the key blocks (key xor ipad, key xor opad); read only, so copies of a
  /// Pseudonymiser and threads share them. The key itself is not kept.
  struct Keyed;

 private:
  std::shared_ptr<const Keyed> keyed_;
};

/// The pseudonyms of the ids in the only column of `table` (doelenboom/cell_table.hpp), each
/// distinct id hashed once; a number cell is the id written out shortest (123.0 is "123"). Throws
/// DataError naming each empty cell ("empty <column>").
[[nodiscard]] std::vector<std::uint64_t> pseudonymise_column(const CellTable& table, const Pseudonymiser& pseudonymise);

}  // namespace doelenboom
