// ExactSum: a fixed-point accumulator spanning every double (2^-1074 .. 2^1024) in 32-bit limbs
// held in int64, so that up to 2^30 additions need no carrying. value() rounds the exact sum once.

#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

#include "doelenboom/partial.hpp"

namespace doelenboom {

namespace {

constexpr std::uint32_t carry_every = 1u << 30;
constexpr std::uint64_t low32 = 0xFFFFFFFFull;

}  // namespace

void ExactSum::add(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  const auto exponent = static_cast<unsigned>((bits >> 52) & 0x7FF);
  if (exponent == 0x7FF) throw std::invalid_argument("ExactSum: cannot add " + std::to_string(x) + " (expected a finite number)");
  std::uint64_t mantissa = bits & ((std::uint64_t{1} << 52) - 1);
  unsigned shift = 0;  // bit position of the mantissa's lowest bit above 2^-1074
  if (exponent == 0) {
    shift = 0;
  } else {
    mantissa |= std::uint64_t{1} << 52;
    shift = exponent - 1;
  }
  if (mantissa == 0) return;
  const bool negative = (bits >> 63) != 0;
  const std::size_t limb = shift / 32;
  const unsigned offset = shift % 32;
  // mantissa << offset has at most 84 bits: three limbs.
  const std::uint64_t lo = (mantissa << offset) & low32;
  const std::uint64_t mid = offset == 0 ? (mantissa >> 32) & low32 : ((mantissa >> (32 - offset)) & low32);
  const std::uint64_t hi = offset == 0 ? 0 : (mantissa >> (64 - offset));
  const std::int64_t s = negative ? -1 : 1;
  limb_[limb] += s * static_cast<std::int64_t>(lo);
  limb_[limb + 1] += s * static_cast<std::int64_t>(mid);
  limb_[limb + 2] += s * static_cast<std::int64_t>(hi);
  if (++pending_ >= carry_every) normalise();
}

void ExactSum::add_times(double x, std::uint64_t count) {
  if (count == 0) return;
  const auto c = static_cast<double>(count);
  const double p = c * x;
  if (!std::isfinite(p)) throw std::invalid_argument("ExactSum: " + std::to_string(count) + " times " + std::to_string(x) + " is not finite");
  add(p);
  add(std::fma(c, x, -p));  // c * x = p + this, exactly
}

void ExactSum::normalise() {
  std::int64_t carry = 0;
  for (std::size_t i = 0; i + 1 < limbs; ++i) {
    const std::int64_t v = limb_[i] + carry;
    limb_[i] = static_cast<std::int64_t>(static_cast<std::uint64_t>(v) & low32);
    carry = v >> 32;  // arithmetic: floor division by 2^32
  }
  limb_[limbs - 1] += carry;
  pending_ = 0;
}

void ExactSum::merge(const ExactSum& other) {
  ExactSum o = other;
  o.normalise();
  normalise();
  for (std::size_t i = 0; i < limbs; ++i) limb_[i] += o.limb_[i];
  pending_ = 2;
}

std::array<std::int64_t, ExactSum::limbs> ExactSum::normalised() const {
  ExactSum c = *this;
  c.normalise();
  return c.limb_;
}

ExactSum ExactSum::from_limbs(const std::array<std::int64_t, limbs>& l) {
  ExactSum s;
  s.limb_ = l;
  s.normalise();
  return s;
}

bool operator==(const ExactSum& a, const ExactSum& b) { return a.normalised() == b.normalised(); }

double ExactSum::value() const {
  auto m = normalised();
  double sign = 1.0;
  if (m[limbs - 1] < 0) {
    for (auto& l : m) l = -l;
    ExactSum c = from_limbs(m);
    m = c.limb_;
    sign = -1.0;
  }
  // The magnitude is sum m[i] 2^(32 i), every limb in [0, 2^32) (the top one cannot overflow here).
  std::size_t top = limbs;
  while (top > 0 && m[top - 1] == 0) --top;
  if (top == 0) return 0.0;
  const auto bit = [&](std::size_t j) -> std::uint64_t {
    return (static_cast<std::uint64_t>(m[j / 32]) >> (j % 32)) & 1u;
  };
  const std::size_t high = (top - 1) * 32 + static_cast<std::size_t>(63 - std::countl_zero(static_cast<std::uint64_t>(m[top - 1])));
  if (high < 53) {
    std::uint64_t v = 0;
    for (std::size_t j = 0; j <= high; ++j) v |= bit(j) << j;
    return sign * std::ldexp(static_cast<double>(v), -1074);
  }
  const std::size_t drop = high - 52;  // bits below the 53 kept
  std::uint64_t mantissa = 0;
  for (std::size_t j = drop; j <= high; ++j) mantissa |= bit(j) << (j - drop);
  const bool guard = bit(drop - 1) != 0;
  bool sticky = false;
  for (std::size_t j = 0; j + 1 < drop && !sticky; ++j) sticky = bit(j) != 0;
  if (guard && (sticky || (mantissa & 1u) != 0)) ++mantissa;  // round to nearest, ties to even
  return sign * std::ldexp(static_cast<double>(mantissa), static_cast<int>(drop) - 1074);
}

}  // namespace doelenboom
