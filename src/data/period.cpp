#include "doelenboom/period.hpp"

#include <charconv>
#include <system_error>

namespace doelenboom {

namespace {

constexpr int min_year = 1900;
constexpr int max_year = 2999;

// Exactly `digits` ASCII digits, no sign (std::from_chars alone would accept fewer).
std::optional<int> fixed_digits(std::string_view text, std::size_t digits) noexcept {
  if (text.size() != digits) return std::nullopt;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// Floor division, so that ordinals of years before 0 would still map back (years are >= 1900
// in practice, but from_ordinal takes any ordinal).
std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

std::string_view to_string(Frequency f) noexcept {
  switch (f) {
    case Frequency::year: return "year";
    case Frequency::quarter: return "quarter";
    case Frequency::month: return "month";
  }
  return "year";
}

std::optional<Period> Period::parse(std::string_view text) noexcept {
  if (text.size() < 4) return std::nullopt;
  const auto year = fixed_digits(text.substr(0, 4), 4);
  if (!year || *year < min_year || *year > max_year) return std::nullopt;
  std::string_view rest = text.substr(4);
  if (rest.empty()) return Period{Frequency::year, *year, 0};

  const bool dash = rest.front() == '-';
  if (dash) rest.remove_prefix(1);
  if (!rest.empty() && (rest.front() == 'Q' || rest.front() == 'q')) {
    const auto q = fixed_digits(rest.substr(1), 1);
    if (!q || *q < 1 || *q > 4) return std::nullopt;
    return Period{Frequency::quarter, *year, *q};
  }
  // A month needs the dash: "202305" would be ambiguous with other encodings.
  if (!dash) return std::nullopt;
  const auto m = fixed_digits(rest, 2);
  if (!m || *m < 1 || *m > 12) return std::nullopt;
  return Period{Frequency::month, *year, *m};
}

std::string Period::to_string() const {
  std::string out = std::to_string(year);
  switch (frequency) {
    case Frequency::year: break;
    case Frequency::quarter: out += "-Q" + std::to_string(sub); break;
    case Frequency::month: out += (sub < 10 ? "-0" : "-") + std::to_string(sub); break;
  }
  return out;
}

std::int64_t Period::ordinal() const noexcept {
  const auto y = static_cast<std::int64_t>(year);
  switch (frequency) {
    case Frequency::year: return y;
    case Frequency::quarter: return y * 4 + sub - 1;
    case Frequency::month: return y * 12 + sub - 1;
  }
  return y;
}

Period Period::from_ordinal(Frequency frequency, std::int64_t ordinal) noexcept {
  switch (frequency) {
    case Frequency::year: return Period{frequency, static_cast<int>(ordinal), 0};
    case Frequency::quarter: {
      const std::int64_t y = floor_div(ordinal, 4);
      return Period{frequency, static_cast<int>(y), static_cast<int>(ordinal - y * 4 + 1)};
    }
    case Frequency::month: {
      const std::int64_t y = floor_div(ordinal, 12);
      return Period{frequency, static_cast<int>(y), static_cast<int>(ordinal - y * 12 + 1)};
    }
  }
  return Period{};
}

Period Period::next() const noexcept { return from_ordinal(frequency, ordinal() + 1); }

}  // namespace doelenboom
