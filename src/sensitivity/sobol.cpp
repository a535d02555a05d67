// Sobol indices from the outputs of a Saltelli design: first order by Saltelli et al. (2010,
// table 2 (b)), total by Jansen (1999, table 2 (f)), the variance over the A and B runs; each
// output centred by its mean over A and B first (as SALib does). Percentile bootstrap intervals
// over the N base rows: resample counts c_j (multinomial, drawn from the seed) weight every sum.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "doelenboom/sensitivity.hpp"
#include "doelenboom/stats.hpp"
#include "pipeline/pipeline_internal.hpp"
#include "sensitivity/sensitivity_internal.hpp"

namespace doelenboom {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t chunk = 32;  // bootstrap resamples per pass over an output

// The sums one estimate needs: over j of c_j * (a, a^2, b, b^2) and per factor c_j * b (c_i - a)
// and c_j * (a - c_i)^2, with a = f(A) - m, b = f(B) - m, c_i = f(AB_i) - m.
struct Sums {
  double a = 0, aa = 0, b = 0, bb = 0;
  std::vector<double> first, total;
};

void estimate(const Sums& s, double n, std::size_t k, double* first, double* total) {
  const double mean = (s.a + s.b) / (2.0 * n);
  const double variance = (s.aa + s.bb) / (2.0 * n) - mean * mean;
  for (std::size_t i = 0; i < k; ++i) {
    first[i] = variance > 0.0 ? s.first[i] / n / variance : nan;
    total[i] = variance > 0.0 ? s.total[i] / (2.0 * n) / variance : nan;
  }
}

}  // namespace

SobolIndices sobol_indices(const Eigen::MatrixXd& f, std::size_t factors, std::size_t bootstrap, double confidence,
                           std::uint64_t seed, unsigned threads, const std::function<bool()>& cancelled) {
  const std::size_t k = factors;
  const auto runs = static_cast<std::size_t>(f.rows());
  if (k == 0 || runs % (k + 2) != 0 || runs / (k + 2) < 2) {
    throw PipelineError("sobol_indices: " + std::to_string(runs) + " runs for " + std::to_string(k) +
                        " factors; expected N * (factors + 2) runs with N >= 2 and at least one factor");
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw PipelineError("sobol_indices: confidence " + detail::brief(confidence) + " must lie strictly between 0 and 1");
  }
  const std::size_t n = runs / (k + 2);
  const auto outputs = static_cast<Eigen::Index>(f.cols());
  const auto factor_count = static_cast<Eigen::Index>(k);
  SobolIndices out;
  for (auto* m : {&out.first, &out.first_low, &out.first_high, &out.total, &out.total_low, &out.total_high}) {
    m->setConstant(outputs, factor_count, nan);
  }

  // Resample counts of the base rows: chunk-major, then per base row the `chunk` resamples.
  std::vector<std::uint32_t> counts;
  if (bootstrap > 0) {
    const std::size_t chunks = (bootstrap + chunk - 1) / chunk;
    counts.assign(chunks * n * chunk, 0);
    for (std::size_t b = 0; b < bootstrap; ++b) {
      detail::SplitMix64 rng(detail::stream_key(seed, b, 0xb007));
      std::uint32_t* c = counts.data() + (b / chunk) * n * chunk + b % chunk;
      for (std::size_t j = 0; j < n; ++j) ++c[rng.index(n) * chunk];
    }
  }
  const double lower_p = (1.0 - confidence) / 2.0, upper_p = (1.0 + confidence) / 2.0;

  detail::parallel_blocks(static_cast<std::size_t>(outputs), 1, threads, cancelled,
                          [&](unsigned, std::size_t begin, std::size_t end, const std::atomic<bool>&) {
    std::vector<Sums> sums(chunk);
    std::vector<double> firsts(bootstrap * k), totals(bootstrap * k), column(bootstrap);
    std::vector<double> first(k), total(k), fa(n), fb(n), fc(n * k);
    for (std::size_t o = begin; o < end; ++o) {
      const auto col = f.col(static_cast<Eigen::Index>(o));
      if (col.array().isNaN().any()) continue;
      const double m = col.head(static_cast<Eigen::Index>(2 * n)).mean();
      for (std::size_t j = 0; j < n; ++j) {
        fa[j] = col(static_cast<Eigen::Index>(j)) - m;
        fb[j] = col(static_cast<Eigen::Index>(n + j)) - m;
        for (std::size_t i = 0; i < k; ++i) fc[i * n + j] = col(static_cast<Eigen::Index>((2 + i) * n + j)) - m;
      }
      // The estimate itself: every count 1.
      Sums s;
      s.first.assign(k, 0.0);
      s.total.assign(k, 0.0);
      for (std::size_t j = 0; j < n; ++j) {
        const double a = fa[j], b = fb[j];
        s.a += a, s.aa += a * a, s.b += b, s.bb += b * b;
        for (std::size_t i = 0; i < k; ++i) {
          const double c = fc[i * n + j];
          s.first[i] += b * (c - a);
          s.total[i] += (a - c) * (a - c);
        }
      }
      estimate(s, static_cast<double>(n), k, first.data(), total.data());
      for (std::size_t i = 0; i < k; ++i) {
        out.first(static_cast<Eigen::Index>(o), static_cast<Eigen::Index>(i)) = first[i];
        out.total(static_cast<Eigen::Index>(o), static_cast<Eigen::Index>(i)) = total[i];
      }
      if (bootstrap == 0) continue;
      for (std::size_t b0 = 0; b0 < bootstrap; b0 += chunk) {
        const std::size_t width = std::min(chunk, bootstrap - b0);
        for (auto& x : sums) {
          x = Sums{};
          x.first.assign(k, 0.0);
          x.total.assign(k, 0.0);
        }
        const std::uint32_t* c0 = counts.data() + (b0 / chunk) * n * chunk;
        for (std::size_t j = 0; j < n; ++j) {
          const double a = fa[j], b = fb[j];
          const std::uint32_t* c = c0 + j * chunk;
          for (std::size_t r = 0; r < width; ++r) {
            if (c[r] == 0) continue;
            const double w = c[r];
            Sums& x = sums[r];
            x.a += w * a, x.aa += w * a * a, x.b += w * b, x.bb += w * b * b;
            for (std::size_t i = 0; i < k; ++i) {
              const double d = fc[i * n + j];
              x.first[i] += w * (b * (d - a));
              x.total[i] += w * ((a - d) * (a - d));
            }
          }
        }
        for (std::size_t r = 0; r < width; ++r) {
          estimate(sums[r], static_cast<double>(n), k, firsts.data() + (b0 + r) * k, totals.data() + (b0 + r) * k);
        }
      }
      for (std::size_t i = 0; i < k; ++i) {
        const auto oi = static_cast<Eigen::Index>(o);
        const auto ii = static_cast<Eigen::Index>(i);
        for (std::size_t b = 0; b < bootstrap; ++b) column[b] = firsts[b * k + i];
        out.first_low(oi, ii) = stats::quantile_type7(column, lower_p);
        out.first_high(oi, ii) = stats::quantile_type7(column, upper_p);
        for (std::size_t b = 0; b < bootstrap; ++b) column[b] = totals[b * k + i];
        out.total_low(oi, ii) = stats::quantile_type7(column, lower_p);
        out.total_high(oi, ii) = stats::quantile_type7(column, upper_p);
      }
    }
  });
  return out;
}

}  // namespace doelenboom
