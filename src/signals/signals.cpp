// Evaluation of the signal rules over a PipelineResult (docs/signals.md has every formula): the
// facts gathered once (signal_input.cpp), then each rule family in its own file.

#include "doelenboom/signals.hpp"

#include <utility>
#include <vector>

#include "signals/signal_input.hpp"

namespace doelenboom {

std::vector<Signal> evaluate_signals(const PipelineResult& result, const SignalRules& rules, const SignalContext& context) {
  throw_if_problems<ParseError>(rules.check(result.tree()));
  namespace sig = detail::signals;
  const sig::SignalInput in(result, rules, context);
  sig::SignalList out(in);
  if (rules.norm.enabled) sig::norm_signals(in, out);
  if (rules.drop.enabled) sig::drop_signals(in, out);
  if (rules.reach.enabled) sig::reach_signals(in, out);
  if (rules.outlier.enabled) sig::outlier_signals(in, out);
  if (rules.data.enabled) sig::data_signals(in, out);
  return std::move(out).sorted();
}

}  // namespace doelenboom
