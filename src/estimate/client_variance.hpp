#pragma once
// Standard errors from client-level records (docs/estimates.md, "Variance from the data"): the
// clients are the sampling units. A total over clients (hours, contacts, ...) is a compound Poisson
// sum, and a quantile of the clients' lead times gets the distribution-free interval of its order
// statistics. The reach partial keeps per client what these need (src/estimate/reach.cpp).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>

namespace doelenboom::detail {

// ---------------------------------------------------------------------------------------------
// A client's hours in fixed point: the client's total must not depend on how its rows were split
// over partitions (a double sum would, in its last bits), so each row is rounded to a whole number
// of 2^-20 hour (3.4 ms) and the client's rows are added as integers, saturating.

inline constexpr int hours_fraction_bits = 20;
/// A saturated total: the client's hours exceed what 64 bits hold (2^44 hours); its se is unknown.
inline constexpr std::uint64_t hours_saturated = std::numeric_limits<std::uint64_t>::max();

/// Hours >= 0 (finite; check_registrations refuses others) in units of 2^-20 hour, rounded.
[[nodiscard]] inline std::uint64_t quantised_hours(double hours) {
  const double units = std::round(std::ldexp(hours, hours_fraction_bits));
  return units < 18446744073709551616.0 ? static_cast<std::uint64_t>(units) : hours_saturated;  // 2^64
}

/// a + b, or hours_saturated when it does not fit: min(a + b, max) is associative and commutative
/// for unsigned numbers, so a merged total saturates whatever the order.
[[nodiscard]] inline std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  const std::uint64_t s = a + b;
  return s < a ? hours_saturated : s;
}

/// A client's total in hours.
[[nodiscard]] inline double hours_of(std::uint64_t quantised) {
  return std::ldexp(static_cast<double>(quantised), -hours_fraction_bits);
}

// ---------------------------------------------------------------------------------------------
// Totals over clients

/// The standard error of a total T = Σ y_i over the m clients of a group, each client with total
/// y_i: clients arrive as a Poisson process and their totals are independent and identically
/// distributed, so T is compound Poisson with Var(T) = E[m] E[y²], estimated without bias by Σ y_i².
/// (m s², the with-replacement estimator for a fixed number of clients, leaves out the variation of
/// m itself and misses E[m] E[y]²; tests/cpp/estimate/test_reach_variance.cpp compares the two.)
class CompoundPoissonTotal {
 public:
  void add(double y) { squares_ += y * y; }
  [[nodiscard]] double se() const { return std::sqrt(squares_); }

 private:
  double squares_ = 0.0;  ///< summed in the clients' order of first row, so every split agrees
};

// ---------------------------------------------------------------------------------------------
// Quantiles

/// The distribution-free interval of a quantile: order statistics x_(lower) <= ξ_p <= x_(upper)
/// (ranks from 1) chosen from Binomial(n, p) so that each tail holds at most (1 - confidence) / 2
/// (coverage at least `confidence` for any distribution, ties included), and se = (high - low) /
/// (2 z). Values are whole days: a zero-width interval (tied days) is widened by half a day on
/// each side, the resolution of the dates, so that tied days never give a certain quantile.
struct QuantileInterval {
  double low = 0.0, high = 0.0, se = 0.0;
  std::size_t lower = 0, upper = 0;  ///< ranks of the order statistics, 1..n
};

/// The interval for the p-quantile of n sorted values; nullopt when n is too small for one (for
/// the median at 95%, fewer than 6 values; for the 90th percentile, fewer than 36).
[[nodiscard]] std::optional<QuantileInterval> quantile_interval(std::span<const double> sorted, double p,
                                                                double confidence = 0.95);

}  // namespace doelenboom::detail
