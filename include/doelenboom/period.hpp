#pragma once
// Periods: a year ("2023"), a quarter ("2023-Q2") or a month ("2023-05"), totally ordered within
// one frequency. A data set holds periods of one frequency.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace doelenboom {

enum class Frequency : std::uint8_t { year, quarter, month };

/// "year" / "quarter" / "month".
std::string_view to_string(Frequency f) noexcept;

struct Period {
  Frequency frequency = Frequency::year;
  int year = 0;
  int sub = 0;  ///< quarter 1..4, month 1..12, 0 for a year

  /// Parse "2023", "2023-Q2" (also "2023Q2", "2023-q2") or "2023-05"; std::nullopt otherwise.
  /// Years must be 1900..2999.
  static std::optional<Period> parse(std::string_view text) noexcept;
  /// Canonical text: "2023", "2023-Q2", "2023-05".
  [[nodiscard]] std::string to_string() const;
  /// Consecutive integer within one frequency (year*4+q-1, year*12+m-1, year).
  [[nodiscard]] std::int64_t ordinal() const noexcept;
  /// The next period of the same frequency.
  [[nodiscard]] Period next() const noexcept;
  /// The period of a frequency with this ordinal (the inverse of ordinal()).
  [[nodiscard]] static Period from_ordinal(Frequency frequency, std::int64_t ordinal) noexcept;

  friend bool operator==(const Period&, const Period&) = default;
  /// Orders by frequency first, then time; only periods of one frequency are compared in practice.
  friend std::strong_ordering operator<=>(const Period& a, const Period& b) noexcept {
    if (auto c = a.frequency <=> b.frequency; c != 0) return c;
    return a.ordinal() <=> b.ordinal();
  }
};

}  // namespace doelenboom
