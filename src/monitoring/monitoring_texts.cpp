// The stories and duiding files of a monitoring run (docs/run-config.md): texts per unit and
// period, every problem reported with its row.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "io/csv.hpp"
#include "core/diagnostics.hpp"
#include "core/text.hpp"
#include "monitoring/monitoring_internal.hpp"

namespace doelenboom::detail {

namespace {

/// Every row of a texts file with its unit (one of the registry) and period checked, the rest
/// read by what make_reader(csv) returns: read(r, row, item, problems). Throws ParseError with
/// every problem.
template <class Item, class MakeReader>
std::vector<Item> read_rows(const std::filesystem::path& path, const UnitRegistry& units, MakeReader make_reader) {
  const auto csv = read_csv_file(path);
  std::vector<Problem> problems;
  const auto unit = column_index(csv, "unit"), period = column_index(csv, "period");
  const auto read = make_reader(csv);
  std::vector<Item> out;
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const auto& row = csv.rows[r];
    Item item;
    item.unit = row[unit];
    if (units.find(item.unit) == nullptr) {
      problems.push_back(make_problem("unknown_unit", csv.where(r, "unit"), {}, "unknown unit " + squote(item.unit)));
    }
    if (auto p = Period::parse(row[period])) item.period = *p;
    else problems.push_back(make_problem("bad_period", csv.where(r, "period"), {}, squote(row[period]) + " is not a period"));
    read(r, row, item, problems);
    out.push_back(std::move(item));
  }
  throw_if_problems<ParseError>(problems);
  return out;
}

}  // namespace

std::vector<Story> read_stories(const std::filesystem::path& path, const UnitRegistry& units, const GoalTree& tree) {
  return read_rows<Story>(path, units, [&](const CsvTable& csv) {
    const auto title = column_index(csv, "title"), text = column_index(csv, "text");
    const auto node = find_column(csv, "node");
    return [&csv, &tree, title, text, node](std::size_t r, const auto& row, Story& s, std::vector<Problem>& problems) {
      if (node) {
        s.node = row[*node];
        if (!s.node.empty() && !tree.contains(s.node)) {
          problems.push_back(make_problem("unknown_node", csv.where(r, "node"), {s.node}, "unknown node " + squote(s.node)));
        }
      }
      s.title = row[title];
      s.text = row[text];
    };
  });
}

std::vector<DuidingAnswer> read_duiding(const std::filesystem::path& path, const UnitRegistry& units) {
  static const std::vector<std::string> questions{"herkennen", "verklaren", "waarderen", "verbeteren", "actie"};
  return read_rows<DuidingAnswer>(path, units, [&](const CsvTable& csv) {
    const auto question = column_index(csv, "question"), answer = column_index(csv, "answer");
    const auto who = find_column(csv, "who"), what = find_column(csv, "what"), when = find_column(csv, "when");
    return [&csv, question, answer, who, what, when](std::size_t r, const auto& row, DuidingAnswer& a,
                                                     std::vector<Problem>& problems) {
      a.question = row[question];
      if (std::find(questions.begin(), questions.end(), a.question) == questions.end()) {
        problems.push_back(make_problem("bad_value", csv.where(r, "question"), {},
                                        "question " + squote(a.question) + " (expected one of: " + join_words(questions) + ")"));
      }
      a.answer = row[answer];
      if (who) a.who = row[*who];
      if (what) a.what = row[*what];
      if (when) a.when = row[*when];
    };
  });
}

}  // namespace doelenboom::detail
