// Rule (d): a value that stands out from its peer group by a robust z score (median and MAD;
// docs/signals.md).

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "signals/signal_input.hpp"
#include "stats/kernels.hpp"

namespace doelenboom::detail::signals {

void outlier_signals(const SignalInput& in, SignalList& out) {
  // Peer groups: units by the value of the attribute.
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t u = 0; u < in.units(); ++u) groups[in.peer_key(u)].push_back(u);
  const std::string& attr = in.rules().outlier.peer_group;
  std::vector<double> xs, dev;
  for (const NodeInfo& info : in.node_info()) {
    if ((!info.indicator && !in.rules().outlier.goals) || info.disabled("outlier")) continue;
    for (std::size_t p = 0; p < in.periods(); ++p) {
      for (const auto& [key, members] : groups) {
        xs.clear();
        for (const std::size_t u : members) {
          const double x = in.value(in.result().row(u, p), info.index);
          if (std::isfinite(x)) xs.push_back(x);
        }
        if (xs.size() < static_cast<std::size_t>(in.rules().outlier.min_peers)) continue;
        const double size = static_cast<double>(xs.size());
        dev = xs;
        const double med = detail::median_inplace(dev);
        dev = xs;
        for (double& d : dev) d = std::fabs(d - med);
        const double mad = detail::median_inplace(dev);
        if (!(mad > 0)) continue;
        for (const std::size_t u : members) {
          const double x = in.value(in.result().row(u, p), info.index);
          if (!std::isfinite(x)) continue;
          const double z = (x - med) / (1.4826 * mad);
          if (!(std::fabs(z) > in.rules().outlier.threshold)) continue;
          const bool worse = info.direction * z < 0;
          Signal& s = out.add(u, p, info.index, SignalRule::outlier, worse ? Severity::warning : Severity::info);
          s.value = x;
          s.reference = med;
          s.difference = x - med;
          s.statistic = z;
          s.n = size;
          const std::string group_nl = attr == "all" || key.empty() ? "alle eenheden" : peer_name(attr, Lang::nl) + " " + key;
          const std::string group_en = attr == "all" || key.empty() ? "all units" : peer_name(attr, Lang::en) + " " + key;
          s.message_nl = info.label + " in " + in.unit_name(u) + " wijkt in " + in.period(p) + " sterk af van vergelijkbare eenheden (" +
                         group_nl + "): " + info.value(x, Lang::nl) + " tegen een mediaan van " + info.value(med, Lang::nl) +
                         " (robuuste z = " + z_text(z, Lang::nl) + ", " + fixed(size, 0) + " eenheden).";
          s.message_en = info.label + " in " + in.unit_name(u) + " stands out from comparable units (" + group_en + ") in " +
                         in.period(p) + ": " + info.value(x, Lang::en) + " against a median of " + info.value(med, Lang::en) +
                         " (robust z = " + z_text(z, Lang::en) + ", " + fixed(size, 0) + " units).";
        }
      }
    }
  }
}

}  // namespace doelenboom::detail::signals
