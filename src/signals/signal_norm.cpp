// Rule (a): a value beyond the indicator's norm (docs/signals.md).

#include <cmath>
#include <string>

#include "signals/signal_input.hpp"

namespace doelenboom::detail::signals {

void norm_signals(const SignalInput& in, SignalList& out) {
  for (const NodeInfo& info : in.node_info()) {
    if (!info.indicator || !info.norm || info.disabled("norm")) continue;
    const double norm = *info.norm;
    for (std::size_t u = 0; u < in.units(); ++u) {
      for (std::size_t p = 0; p < in.periods(); ++p) {
        const std::size_t row = in.result().row(u, p);
        const double x = in.value(row, info.index);
        if (!std::isfinite(x)) continue;
        const bool beyond = info.direction > 0 ? x < norm : x > norm;
        if (!beyond) continue;
        const double diff = x - norm;
        const bool alert = std::fabs(diff) >= in.rules().norm.alert_distance * std::fabs(norm);
        Signal& s = out.add(u, p, info.index, SignalRule::norm, alert ? Severity::alert : Severity::warning);
        s.value = x;
        s.reference = norm;
        s.difference = diff;
        s.n = in.n_of(row, info.index);
        const bool below = info.direction > 0;
        s.message_nl = info.label + " in " + in.unit_name(u) + " is in " + in.period(p) + " " + info.value(x, Lang::nl) +
                       ", " + (below ? "onder" : "boven") + " de norm van " + info.value(norm, Lang::nl) +
                       " (verschil " + info.difference(diff, Lang::nl) + ").";
        s.message_en = info.label + " in " + in.unit_name(u) + " was " + info.value(x, Lang::en) + " in " + in.period(p) +
                       ", " + (below ? "below" : "above") + " the norm of " + info.value(norm, Lang::en) +
                       " (difference " + info.difference(diff, Lang::en) + ").";
      }
    }
  }
}

}  // namespace doelenboom::detail::signals
