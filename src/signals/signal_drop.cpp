// Rule (b): a drop since the baseline or the previous period, more than chance (docs/signals.md).

#include <cmath>
#include <string>

#include "signals/signal_input.hpp"

namespace doelenboom::detail::signals {

namespace {

void drop_one(const SignalInput& in, SignalList& out, std::size_t u, std::size_t p, std::size_t ref, const NodeInfo& info,
              bool baseline) {
  const std::size_t row = in.result().row(u, p), ref_row = in.result().row(u, ref);
  const double x = in.value(row, info.index), y = in.value(ref_row, info.index);
  if (!std::isfinite(x) || !std::isfinite(y)) return;
  // Like for like: a goal whose score rests on other indicators than at the reference has no
  // change to test (docs/signals.md).
  if (!in.same_basis(row, ref_row, info.index)) return;
  const double diff = x - y;
  if (info.direction * diff >= 0) return;  // not worse
  const double se = std::hypot(in.se_of(row, info.index, x), in.se_of(ref_row, info.index, y));
  if (!std::isfinite(se) || se <= 0) return;
  const double z = diff / se;
  const double pv = std::erfc(std::fabs(z) / std::sqrt(2.0));
  if (!(pv < in.rules().drop.alpha)) return;
  Signal& s = out.add(u, p, info.index, baseline ? SignalRule::drop_baseline : SignalRule::drop_previous,
                      pv < in.rules().drop.alpha / 10 ? Severity::alert : Severity::warning);
  s.value = x;
  s.reference = y;
  s.difference = diff;
  s.statistic = z;
  s.p_value = pv;
  s.n = in.n_of(row, info.index);
  const bool fell = diff < 0;
  const std::string ref_nl = baseline ? "bij de nulmeting (" + in.period(ref) + ")" : "in " + in.period(ref);
  const std::string ref_en = baseline ? "at the baseline (" + in.period(ref) + ")" : "in " + in.period(ref);
  s.message_nl = info.label + " in " + in.unit_name(u) + " is in " + in.period(p) + " " + (fell ? "gedaald" : "gestegen") +
                 " naar " + info.value(x, Lang::nl) + ", tegen " + info.value(y, Lang::nl) + " " + ref_nl +
                 (fell ? "" : " (lager is hier beter)") + "; dat is meer dan toeval (z = " + z_text(z, Lang::nl) + ", " +
                 p_text(pv, Lang::nl) + ").";
  s.message_en = info.label + " in " + in.unit_name(u) + " " + (fell ? "fell" : "rose") + " to " + info.value(x, Lang::en) +
                 " in " + in.period(p) + ", from " + info.value(y, Lang::en) + " " + ref_en +
                 (fell ? "" : " (lower is better here)") + "; more than chance (z = " + z_text(z, Lang::en) + ", " +
                 p_text(pv, Lang::en) + ").";
}

}  // namespace

void drop_signals(const SignalInput& in, SignalList& out) {
  for (const NodeInfo& info : in.node_info()) {
    if ((!info.indicator && !in.rules().drop.goals) || info.disabled("drop")) continue;
    for (std::size_t u = 0; u < in.units(); ++u) {
      const std::size_t b = in.baseline(u);
      for (std::size_t p = 0; p < in.periods(); ++p) {
        if (in.rules().drop.baseline && p > b) drop_one(in, out, u, p, b, info, true);
        if (in.rules().drop.previous && p >= 1 && !(in.rules().drop.baseline && p - 1 == b)) {
          drop_one(in, out, u, p, p - 1, info, false);
        }
      }
    }
  }
}

}  // namespace doelenboom::detail::signals
