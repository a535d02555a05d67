// Rule (c): reach that vanished or fell far below expectation, from earlier periods or from
// comparable units per inhabitant (docs/signals.md).

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <boost/math/distributions/poisson.hpp>

#include "signals/signal_input.hpp"

namespace doelenboom::detail::signals {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

template <class Population>
void evaluate_reach(const SignalInput& in, SignalList& out, std::size_t u, std::size_t p, const NodeInfo& info, double x,
                    double own_expected, const std::vector<std::string>& keys, const Population& population) {
  double expected = own_expected;
  bool from_peers = false;
  if (in.rules().reach.reference == ReachReference::peers && std::isfinite(population(u)) && population(u) > 0) {
    double counts = 0, inhabitants = 0;
    for (std::size_t v = 0; v < in.units(); ++v) {
      if (v == u || keys[v] != keys[u]) continue;
      const double y = in.raw_value(in.result().row(v, p), info.index);
      const double pop = population(v);
      if (!std::isfinite(y) || !std::isfinite(pop) || pop <= 0) continue;
      counts += y;
      inhabitants += pop;
    }
    if (inhabitants > 0 && counts > 0) {
      expected = counts / inhabitants * population(u);
      from_peers = true;
    }
  }
  if (!(expected > 0) || !(x < expected)) return;
  const double k = std::floor(std::max(x, 0.0));
  const double pv = boost::math::cdf(boost::math::poisson_distribution<double>(expected), k);
  const bool vanished = x == 0.0;
  if (!vanished && !(pv < in.rules().reach.alpha)) return;
  const Severity sev = vanished ? (pv < in.rules().reach.alpha ? Severity::alert : Severity::warning)
                                : (pv < in.rules().reach.alpha / 10 ? Severity::alert : Severity::warning);
  Signal& s = out.add(u, p, info.index, SignalRule::reach, sev);
  s.value = x;
  s.reference = expected;
  s.difference = x - expected;
  s.p_value = pv;
  s.n = in.n_of(in.result().row(u, p), info.index);
  const std::string& name = in.unit_name(u);
  const std::string src_nl = from_peers ? "op grond van het inwonertal en vergelijkbare gemeenten"
                                        : "op grond van eerdere perioden";
  const std::string src_en = from_peers ? "from its population and comparable municipalities" : "from earlier periods";
  if (vanished) {
    s.message_nl = info.label + " in " + name + " is in " + in.period(p) + " weggevallen: 0, terwijl er eerder wel bereik was (verwacht " +
                   info.value(expected, Lang::nl, true) + " " + src_nl + "; " + p_text(pv, Lang::nl) + ").";
    s.message_en = info.label + " in " + name + " vanished in " + in.period(p) + ": 0, after reach before (expected " +
                   info.value(expected, Lang::en, true) + " " + src_en + "; " + p_text(pv, Lang::en) + ").";
  } else {
    s.message_nl = info.label + " in " + name + " is in " + in.period(p) + " gedaald naar " + info.value(x, Lang::nl, true) + ", tegen " +
                   info.value(expected, Lang::nl, true) + " verwacht " + src_nl + "; dat is meer dan toeval (" +
                   p_text(pv, Lang::nl) + ").";
    s.message_en = info.label + " in " + name + " fell to " + info.value(x, Lang::en, true) + " in " + in.period(p) + ", against " +
                   info.value(expected, Lang::en, true) + " expected " + src_en + "; more than chance (" + p_text(pv, Lang::en) + ").";
  }
}

}  // namespace

void reach_signals(const SignalInput& in, SignalList& out) {
  std::vector<std::string> keys(in.units());
  for (std::size_t u = 0; u < in.units(); ++u) keys[u] = in.peer_key(u);
  const auto population = [&](std::size_t u) {
    return in.unit(u) != nullptr ? in.unit(u)->population : nan;
  };
  for (const NodeInfo& info : in.node_info()) {
    // A count whose fall is good (direction -1, e.g. a lead time filed under bereik) is no reach.
    if (!info.reach_count || info.direction < 0 || info.disabled("reach")) continue;
    const std::size_t j = info.index;
    for (std::size_t u = 0; u < in.units(); ++u) {
      double sum = 0;
      std::size_t count = 0;
      bool had = false;
      for (std::size_t p = 0; p < in.periods(); ++p) {
        const std::size_t row = in.result().row(u, p);
        const double x = in.raw_value(row, j);
        if (std::isfinite(x) && count > 0 && had) {
          evaluate_reach(in, out, u, p, info, x, sum / static_cast<double>(count), keys, population);
        }
        if (std::isfinite(x)) {
          sum += x;
          ++count;
          had = had || x > 0;
        }
      }
    }
  }
}

}  // namespace doelenboom::detail::signals
