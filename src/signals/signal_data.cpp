// Rule (e): too little data: low coverage of a root, or many suppressed cells in a row
// (docs/signals.md).

#include <cmath>
#include <string>

#include "signals/signal_input.hpp"

namespace doelenboom::detail::signals {

void data_signals(const SignalInput& in, SignalList& out) {
  const double min_cov = in.rules().data.min_coverage;
  for (const auto root : in.tree().roots()) {
    const NodeInfo& info = in.node_info()[root];
    if (info.disabled("data")) continue;
    for (std::size_t u = 0; u < in.units(); ++u) {
      for (std::size_t p = 0; p < in.periods(); ++p) {
        const auto row = static_cast<Eigen::Index>(in.result().row(u, p));
        const double cov = in.result().coverage()(row, static_cast<Eigen::Index>(root));
        if (!std::isfinite(cov) || !(cov < min_cov)) continue;
        const bool missing = !std::isfinite(in.result().scores()(row, static_cast<Eigen::Index>(root)));
        Signal& s = out.add(u, p, root, SignalRule::coverage, missing ? Severity::warning : Severity::info);
        s.value = cov;
        s.reference = min_cov;
        s.difference = cov - min_cov;
        const std::string pc_nl = localise(fixed(100 * cov, 1), Lang::nl) + "%", pc_en = fixed(100 * cov, 1) + "%";
        const std::string th_nl = localise(fixed(100 * min_cov, 1), Lang::nl) + "%", th_en = fixed(100 * min_cov, 1) + "%";
        s.message_nl = "Voor " + info.label + " in " + in.unit_name(u) + " zijn in " + in.period(p) + " te weinig gegevens: de dekking is " +
                       pc_nl + ", minder dan " + th_nl + (missing ? "; er is geen score." : ".");
        s.message_en = "Too little data for " + info.label + " in " + in.unit_name(u) + " in " + in.period(p) + ": coverage is " + pc_en +
                       ", below " + th_en + (missing ? "; there is no score." : ".");
      }
    }
  }
  if (in.context().data == nullptr) return;
  const double max_share = in.rules().data.max_suppressed_share;
  for (std::size_t u = 0; u < in.units(); ++u) {
    for (std::size_t p = 0; p < in.periods(); ++p) {
      const std::size_t row = in.result().row(u, p);
      std::size_t cells = 0, hidden = 0;
      for (std::size_t j = 0; j < in.nodes(); ++j) {
        if (!in.node_info()[j].indicator || in.node_info()[j].disabled("data")) continue;
        cells += in.measured(row, j);
        hidden += in.suppressed(row, j);
      }
      if (cells == 0) continue;
      const double share = static_cast<double>(hidden) / static_cast<double>(cells);
      if (!(share > max_share)) continue;
      Signal& s = out.add(u, p, in.nodes(), SignalRule::suppressed, Severity::warning);
      s.value = share;
      s.reference = max_share;
      s.difference = share - max_share;
      s.n = static_cast<double>(cells);
      const std::string k = std::to_string(hidden), m = std::to_string(cells);
      s.message_nl = "In " + in.unit_name(u) + " zijn in " + in.period(p) + " " + k + " van de " + m +
                     " indicatorwaarden afgeschermd wegens kleine aantallen (" + localise(fixed(100 * share, 1), Lang::nl) +
                     "%, meer dan " + localise(fixed(100 * max_share, 1), Lang::nl) + "%).";
      s.message_en = "In " + in.unit_name(u) + ", " + k + " of " + m + " indicator values in " + in.period(p) +
                     " are suppressed for small numbers (" + fixed(100 * share, 1) + "%, more than " +
                     fixed(100 * max_share, 1) + "%).";
    }
  }
}

}  // namespace doelenboom::detail::signals
