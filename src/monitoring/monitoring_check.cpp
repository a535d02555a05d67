// MonitoringConfig::check: every problem that can be found without running (files, columns, the
// tree and the files that must fit it, links, units, the pseudonymisation key), each at the
// config line that names it.

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "doelenboom/monitoring.hpp"
#include "doelenboom/tree_io.hpp"
#include "io/csv.hpp"
#include "core/diagnostics.hpp"
#include "core/text.hpp"

namespace doelenboom {

namespace {

namespace fs = std::filesystem;
using detail::squote;
using Columns = std::vector<std::pair<std::string, std::string>>;  // (field, column name)

/// The names of a CSV file's columns (its first record), or std::nullopt with a problem.
std::optional<std::vector<std::string>> csv_header(const fs::path& path, const Location& where, std::vector<Problem>& out) {
  std::ifstream in(path, std::ios::binary);
  std::string text, line;
  // The header is the first line that is not blank; a quoted name may span lines, so read on
  // until the quotes balance.
  while (std::getline(in, line)) {
    if (text.empty() && line.find_first_not_of(" \t\r") == std::string::npos) continue;
    text += line;
    text += '\n';
    if (std::count(text.begin(), text.end(), '"') % 2 == 0) break;
  }
  try {
    return detail::read_csv_string(text, path.string()).header;
  } catch (const Error& e) {
    out.push_back(make_problem("bad_file", where, {}, "cannot read the columns of " + path.string() + ": " + e.what()));
    return std::nullopt;
  }
}

class ConfigChecker {
 public:
  explicit ConfigChecker(const MonitoringConfig& c) : c_(c) {}

  std::vector<Problem> run() && {
    // The tree first: links, rules, pipeline and compare nodes are checked against it.
    check_tree_files();
    check_units();
    check_links();
    const bool client_level = check_data();
    if (client_level) check_key();
    return std::move(out_);
  }

 private:
  [[nodiscard]] Location where_of(const std::string& key) const {
    if (const auto it = c_.where.find(key); it != c_.where.end()) return it->second;
    return Location{c_.source.string(), 0, 0, {}};
  }
  void add(std::string code, const std::string& key, const std::string& what) {
    out_.push_back(make_problem(std::move(code), where_of(key), {}, what));
  }
  bool exists(const fs::path& p, const std::string& key, const std::string& what) {
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return true;
    add("missing_file", key, what + " " + p.string() + " does not exist");
    return false;
  }
  /// Runs read(); a file it cannot read gives its problems (or one "bad_file" at `key`).
  void try_read(const std::string& key, const std::function<void()>& read) {
    try {
      read();
    } catch (const Error& e) {
      out_.insert(out_.end(), e.problems().begin(), e.problems().end());
      if (e.problems().empty()) add("bad_file", key, e.what());
    }
  }

  void check_tree_files();
  void check_units();
  void check_links();
  void check_columns(const fs::path& file, const std::string& key, const Columns& required, const Columns& optional);
  bool check_data();
  void check_key();

  const MonitoringConfig& c_;
  std::optional<GoalTree> tree_;
  std::optional<UnitRegistry> registry_;
  std::vector<Problem> out_;
};

void ConfigChecker::check_tree_files() {
  if (exists(c_.tree, "tree", "the tree file")) try_read("tree", [&] { tree_ = load_tree_yaml(c_.tree); });
  if (!c_.pipeline.empty() && exists(c_.pipeline, "pipeline", "the pipeline file")) {
    try_read("pipeline", [&] {
      const auto spec = PipelineSpec::load_yaml(c_.pipeline);
      if (tree_) for (auto p : spec.check(*tree_)) out_.push_back(std::move(p));
      if (const auto moving = tree_ ? spec.rescaled_each_period(*tree_) : std::vector<std::string>{}; !moving.empty()) {
        add("moving_scale", "pipeline",
            c_.pipeline.string() + ": normalise scope per_period redefines the scale of " +
                detail::join_words_capped(moving, true) +
                " every period, so the run's changes since the baseline, trends, forecasts and drop signals would "
                "measure the other units' movements (docs/pipeline.md); use scope reference (the scale of the "
                "baseline) or goalposts");
      }
    });
  }
  if (!c_.signals.empty() && exists(c_.signals, "signals", "the signal rules file")) {
    try_read("signals", [&] {
      const auto rules = SignalRules::load_yaml(c_.signals);
      if (tree_) for (auto p : rules.check(*tree_)) out_.push_back(std::move(p));
    });
  }
}

void ConfigChecker::check_units() {
  if (c_.units.empty() && c_.gemeenten.empty()) {
    add("missing_key", "doelenboom_run",
        "no units: name a units CSV with 'units:' or the CBS gemeenten list with 'gemeenten:'");
    return;
  }
  const bool csv = !c_.units.empty();
  const std::string key = csv ? "units" : "gemeenten";
  if (exists(csv ? c_.units : c_.gemeenten, key, csv ? "the units file" : "the gemeenten file")) {
    try_read(key, [&] {
      registry_ = csv ? UnitRegistry::load_csv(c_.units) : UnitRegistry::load_gemeenten_csv(c_.gemeenten);
    });
  }
}

// Links: each names an indicator node of the tree, once; compare nodes and peers exist.
void ConfigChecker::check_links() {
  if (tree_) {
    for (const auto& link : c_.indicators) {
      const auto j = tree_->find(link.node);
      if (!j) {
        out_.push_back(make_problem("unknown_node", link.where, {link.node},
                                    "indicators: " + squote(link.node) + " is not a node of the tree " + c_.tree.string()));
      } else if (tree_->node(*j).kind != NodeKind::indicator) {
        out_.push_back(make_problem("not_an_indicator", link.where, {link.node},
                                    "indicators: " + squote(link.node) + " is a goal of the tree, not an indicator (goals are computed)"));
      }
    }
    for (const auto& node : c_.compare.nodes) {
      if (!tree_->contains(node)) {
        add("unknown_node", "compare/nodes", "compare: nodes: " + squote(node) + " is not a node of the tree " + c_.tree.string());
      }
    }
  }
  if (registry_) {
    for (const auto& id : c_.compare.peers.list) {
      if (registry_->find(id) == nullptr) add("unknown_unit", "compare/peers", "compare: peers: unknown unit " + squote(id));
    }
  }
}

// A data file exists and has the columns the config names (an optional column under its
// default name may be absent) and no others.
void ConfigChecker::check_columns(const fs::path& file, const std::string& key, const Columns& required,
                                  const Columns& optional) {
  const std::string file_key = c_.where.contains(key + "/files") ? key + "/files" : key;
  if (!exists(file, file_key, "the data file")) return;
  const auto header = csv_header(file, where_of(key), out_);
  if (!header) return;
  const auto has = [&](const std::string& column) { return std::find(header->begin(), header->end(), column) != header->end(); };
  std::set<std::string> known;
  const auto need = [&](const std::string& field, const std::string& column, bool is_optional) {
    if (column.empty()) return;
    known.insert(column);
    const std::string column_key = key + "/columns/" + field;
    const bool configured = c_.where.contains(column_key);
    // An optional column under its default name may be absent; one the config names may not.
    if (has(column) || (is_optional && !configured)) return;
    out_.push_back(make_problem("missing_column", where_of(configured ? column_key : key), {},
                                squote(column) + " (column " + squote(field) + ") is not a column of " + file.string() +
                                    " (its columns are: " + detail::join_words(*header) + ")"));
  };
  for (const auto& [field, column] : required) need(field, column, false);
  for (const auto& [field, column] : optional) need(field, column, true);
  for (const auto& column : *header) {
    if (!known.contains(column)) {
      add("unknown_column", file_key, "column " + squote(column) + " of " + file.string() +
                                    " is not one the config names (expected one of: " +
                                    detail::join_words(std::vector<std::string>(known.begin(), known.end())) + ")");
    }
  }
}

// Data files and their columns; true when some source holds client-level data.
bool ConfigChecker::check_data() {
  bool client_level = false;
  if (c_.registrations) {
    client_level = true;
    const auto& c = c_.registrations->columns;
    Columns required{{"unit", c.unit}, {"period", c.period}, {"client", c.client}};
    for (std::size_t k = 0; k < c.breakdowns.size(); ++k) {
      const std::string& b = c.breakdowns[k];
      required.emplace_back(b, b);
      const std::string why = refused_breakdown(c, b);
      if (!why.empty()) {
        add("identifying_breakdown",
            k < c_.registrations->areas.size() ? "data/registrations/areas" : "data/registrations/groups", why);
      }
    }
    const Columns optional{{"hours", c.hours},     {"referral", c.referral},       {"referrer_contact", c.referrer_contact},
                           {"channel", c.channel}, {"life_domain", c.life_domain}, {"start_date", c.start_date},
                           {"end_date", c.end_date}};
    for (const auto& f : c_.registrations->files) check_columns(f, "data/registrations", required, optional);
  }
  if (c_.questionnaire) {
    client_level = true;
    if (exists(c_.questionnaire->items, "data/questionnaire/items", "the items file")) {
      try_read("data/questionnaire/items", [&] { (void)load_items_yaml(c_.questionnaire->items); });
    }
    const auto& c = c_.questionnaire->columns;
    const Columns required{{"unit", c.unit}, {"period", c.period}, {"respondent", c.respondent}, {"item", c.item}, {"value", c.value}};
    for (const auto& f : c_.questionnaire->files) check_columns(f, "data/questionnaire", required, {{"instrument", c.instrument}});
  }
  if (c_.prepost) {
    client_level = true;
    const auto& c = c_.prepost->columns;
    const Columns required{{"unit", c.unit},     {"period", c.period}, {"client", c.client},
                           {"domain", c.domain}, {"pre", c.pre},       {"post", c.post}};
    for (const auto& f : c_.prepost->files) check_columns(f, "data/prepost", required, {});
  }
  for (const auto& f : c_.estimates) {
    check_columns(f, "data/estimates", {{"unit", "unit"}, {"period", "period"}, {"indicator", "indicator"}, {"value", "value"}},
                  {{"n", "n"}, {"se", "se"}, {"ci_low", "ci_low"}, {"ci_high", "ci_high"}, {"suppressed", "suppressed"},
                   {"source", "source"}, {"method", "method"}});
  }
  for (const auto& f : c_.stories) {
    check_columns(f, "data/stories", {{"unit", "unit"}, {"period", "period"}, {"title", "title"}, {"text", "text"}},
                  {{"node", "node"}});
  }
  for (const auto& f : c_.duiding) {
    check_columns(f, "data/duiding", {{"unit", "unit"}, {"period", "period"}, {"question", "question"}, {"answer", "answer"}},
                  {{"who", "who"}, {"what", "what"}, {"when", "when"}});
  }
  return client_level;
}

// The key for client-level data.
void ConfigChecker::check_key() {
  if (!c_.pseudonym_key_env.empty()) {
    const char* value = std::getenv(c_.pseudonym_key_env.c_str());
    if (value == nullptr || std::string_view(value).size() < Pseudonymiser::min_key_bytes) {
      add("missing_key", "pseudonym_key_env",
          "the environment variable " + c_.pseudonym_key_env + (value == nullptr ? " is not set" : " is shorter than 16 bytes") +
              " (expected the pseudonymisation key, at least 16 bytes)");
    }
  } else if (c_.pseudonym_key.empty()) {
    add("missing_key", "doelenboom_run",
        "client-level data needs a pseudonymisation key: name the environment variable that holds it with "
        "'pseudonym_key_env:'");
  } else if (c_.pseudonym_key.size() < Pseudonymiser::min_key_bytes) {
    add("bad_value", "pseudonym_key", "the pseudonymisation key is shorter than 16 bytes");
  }
}

}  // namespace

std::vector<Problem> MonitoringConfig::check() const { return ConfigChecker(*this).run(); }

}  // namespace doelenboom
