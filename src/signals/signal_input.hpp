#pragma once
// What the signal rules read from a run: per node how its values read, per unit its name,
// definition and baseline, and per (row, node) the value a signal may use, its raw count, n and
// standard error (from the Dataset when given, else from the result and its audit), with the
// suppressed cells and every goal above one hidden.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "doelenboom/goal_tree.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/signals.hpp"
#include "doelenboom/unit.hpp"
#include "signals/signal_text.hpp"

namespace doelenboom::detail::signals {

class SignalInput {
 public:
  SignalInput(const PipelineResult& result, const SignalRules& rules, const SignalContext& context);

  [[nodiscard]] const PipelineResult& result() const noexcept { return r_; }
  [[nodiscard]] const SignalRules& rules() const noexcept { return rules_; }
  [[nodiscard]] const SignalContext& context() const noexcept { return ctx_; }
  [[nodiscard]] const GoalTree& tree() const noexcept { return tree_; }
  [[nodiscard]] std::size_t units() const noexcept { return nu_; }
  [[nodiscard]] std::size_t periods() const noexcept { return np_; }
  [[nodiscard]] std::size_t nodes() const noexcept { return nn_; }
  [[nodiscard]] const std::vector<NodeInfo>& node_info() const noexcept { return nodes_; }
  /// Node j's scores in two rows rest on the same indicator cells (a change between them is like
  /// for like; PipelineResult::bases).
  [[nodiscard]] bool same_basis(std::size_t row1, std::size_t row2, std::size_t j) const {
    return bases_[j * r_.rows() + row1] == bases_[j * r_.rows() + row2];
  }
  /// The unit's name (its id when the registry has none).
  [[nodiscard]] const std::string& unit_name(std::size_t u) const { return unit_names_[u]; }
  /// The unit's definition, or null without a registry or when it is not in it.
  [[nodiscard]] const Unit* unit(std::size_t u) const { return unit_defs_[u]; }
  /// The period index of the unit's baseline (0 when none is known).
  [[nodiscard]] std::size_t baseline(std::size_t u) const { return baseline_[u]; }
  /// "2023".
  [[nodiscard]] std::string period(std::size_t p) const { return r_.periods()[p].to_string(); }
  /// The unit's peer group: the value of the outlier rule's attribute (empty for "all" or unknown).
  [[nodiscard]] std::string peer_key(std::size_t u) const;

  /// A value a signal may be computed from: indicators their treated value, measured and not
  /// suppressed (when a Dataset is given); goals their score.
  [[nodiscard]] double value(std::size_t row, std::size_t j) const;
  /// The raw (untreated) count of an indicator cell, for the reach rule: the Dataset's value when
  /// a Dataset is given (measured, not suppressed), else the value before treatment from the audit,
  /// else (treatment left the cell alone) the treated value. NaN when hidden or unknown.
  [[nodiscard]] double raw_value(std::size_t row, std::size_t j) const;
  /// The estimate's n (NaN without a Dataset).
  [[nodiscard]] double n_of(std::size_t row, std::size_t j) const;
  /// Standard error of value(row, j): the score's for goals; for indicators the estimate's (scaled
  /// as treatment scaled the value), else from the measure (count: sqrt(value); proportion with
  /// n: sqrt(p(1-p)/n)); NaN when unknown.
  [[nodiscard]] double se_of(std::size_t row, std::size_t j, double x) const;
  /// From the Dataset (only with one): the cell has a row, the cell is suppressed.
  [[nodiscard]] std::uint8_t measured(std::size_t row, std::size_t j) const { return measured_[cell(row, j)]; }
  [[nodiscard]] std::uint8_t suppressed(std::size_t row, std::size_t j) const { return suppressed_[cell(row, j)]; }

 private:
  [[nodiscard]] std::size_t cell(std::size_t row, std::size_t node) const { return row * nn_ + node; }
  void describe_nodes();
  void index_units();
  void index_dataset();
  void index_audit();
  void mark_hidden();

  const PipelineResult& r_;
  const SignalRules& rules_;
  const SignalContext& ctx_;
  const GoalTree& tree_;
  std::size_t nu_, np_, nn_;
  std::vector<NodeInfo> nodes_;
  std::vector<std::string> unit_names_;
  std::vector<const Unit*> unit_defs_;
  std::vector<std::size_t> baseline_;  ///< per unit: period index of the baseline
  // Per (row, node) from the dataset: measured (a row exists), suppressed, n, se, raw value.
  std::vector<std::uint8_t> measured_, suppressed_;
  std::vector<double> n_, se_, raw_;
  // Without a Dataset, per (row, node): 1 when raw_ holds the value before treatment (from the audit).
  std::vector<std::uint8_t> untreated_;
  // Per (row, node): a suppressed indicator cell, or a goal with one below it.
  std::vector<std::uint8_t> hidden_;
  std::vector<std::uint64_t> bases_;  ///< PipelineResult::bases(): node * rows + row
};

/// The signals found so far, in the order the rules found them, with the keys of the final order.
class SignalList {
 public:
  explicit SignalList(const SignalInput& in) : in_(in) {}
  /// A new signal of unit u, period p and node (nodes() for the unit as a whole).
  Signal& add(std::size_t u, std::size_t p, std::size_t node, SignalRule rule, Severity severity);
  /// The signals by unit, period, node and rule (stable: same-key signals in the order found).
  [[nodiscard]] std::vector<Signal> sorted() &&;

 private:
  struct Keyed {
    std::size_t unit, period, node;
    Signal signal;
  };
  const SignalInput& in_;
  std::vector<Keyed> out_;
};

// One function per rule family (docs/signals.md), each in its own file.
void norm_signals(const SignalInput& in, SignalList& out);     // (a) signal_norm.cpp
void drop_signals(const SignalInput& in, SignalList& out);     // (b) signal_drop.cpp
void reach_signals(const SignalInput& in, SignalList& out);    // (c) signal_reach.cpp
void outlier_signals(const SignalInput& in, SignalList& out);  // (d) signal_outlier.cpp
void data_signals(const SignalInput& in, SignalList& out);     // (e) signal_data.cpp

}  // namespace doelenboom::detail::signals
