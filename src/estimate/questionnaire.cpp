// Questionnaires: the items file, the answers CSV (read with every problem reported, respondents
// pseudonymised while reading) and the grouped survey estimator (docs/estimates.md).

#include "doelenboom/questionnaire.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_map>

#include <Eigen/Core>

#include "io/csv.hpp"
#include "doelenboom/stats.hpp"
#include "estimate/cells.hpp"
#include "estimate/estimates_common.hpp"
#include "estimate/partial_internal.hpp"
#include "core/diagnostics.hpp"
#include "core/text.hpp"
#include "io/files.hpp"
#include "io/yaml_reader.hpp"

namespace doelenboom {

using detail::squote;

std::string_view to_string(ItemType t) noexcept {
  switch (t) {
    case ItemType::likert5: return "likert5";
    case ItemType::yes_no: return "yes_no";
    case ItemType::grade: return "grade";
  }
  return "likert5";
}

std::optional<ItemType> parse_item_type(std::string_view text) noexcept {
  if (text == "likert5") return ItemType::likert5;
  if (text == "yes_no") return ItemType::yes_no;
  if (text == "grade") return ItemType::grade;
  return std::nullopt;
}

double Item::min() const noexcept { return type == ItemType::yes_no ? 0.0 : 1.0; }

double Item::max() const noexcept {
  switch (type) {
    case ItemType::likert5: return 5.0;
    case ItemType::yes_no: return 1.0;
    case ItemType::grade: return 10.0;
  }
  return 5.0;
}

ResponseView ResponseTable::view() const {
  return {.unit = unit, .period = period, .instrument = instrument, .respondent = respondent, .item = item, .value = value,
          .unit_names = unit_names, .periods = periods, .instrument_names = instrument_names, .items = items,
          .source = source};
}

// ---------------------------------------------------------------------------------------------
// Items

namespace {

constexpr int items_format_version = 1;
constexpr std::array<std::string_view, 3> top_keys{"doelenboom_items", "description", "items"};
constexpr std::array<std::string_view, 5> item_keys{"id", "label", "type", "scale", "reversed"};

// Item and scale ids end up in indicator ids "<item>.agree" and "<item>@<instrument>.mean", so
// they may not hold '.' or '@'.
bool is_slug(std::string_view id) noexcept {
  if (id.empty()) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(id.front())) return false;
  return std::all_of(id.begin(), id.end(), [&](char c) { return alnum(c) || c == '_' || c == '-'; });
}

std::string type_list() { return "likert5, yes_no, grade"; }

// Syntax errors name no column here, unlike the other YAML files.
constexpr detail::YamlFormat items_format{"doelenboom_items", items_format_version,
                                          "'doelenboom_items: 1' and an 'items' list", "an items file",
                                          "a mapping with the keys doelenboom_items and items", false};

void read_item(detail::YamlReader& r, const YAML::Node& node, std::size_t position, std::vector<Item>& out) {
  const auto named = r.item(node, position, "item", item_keys);
  if (!named) return;
  const std::string& context = named->context;
  const std::vector<std::string>& ids = named->ids;
  const auto keys = r.entries(node, context, item_keys, ids);
  for (const char* required : {"id", "label", "type"}) r.require(keys, required, node, context, ids);
  Item item;
  item.where = r.at(node);
  if (auto v = r.text(keys, "id", context, ids)) item.id = *v;
  if (auto v = r.text(keys, "label", context, ids)) item.label = *v;
  if (auto v = r.text(keys, "type", context, ids)) {
    if (auto t = parse_item_type(*v)) item.type = *t;
    else r.add("bad_type", keys.at("type").value, context, ids, "type " + squote(*v) + " is not one of: " + type_list());
  }
  if (auto v = r.text(keys, "scale", context, ids, true)) item.scale = *v;
  if (auto v = r.text(keys, "reversed", context, ids, true); v && !v->empty()) {
    if (auto b = detail::parse_yes_no(*v)) item.reversed = *b == 1.0;
    else r.add("bad_value", keys.at("reversed").value, context, ids, "reversed " + squote(*v) + " (expected true or false)");
  }
  out.push_back(std::move(item));
}

std::vector<Item> parse_items(detail::YamlReader& r, std::string_view text) {
  std::vector<Item> items;
  const auto root = r.root(text, items_format);
  if (!root) return items;
  const auto keys = r.entries(*root, "", top_keys, {});
  r.require_version(keys, *root, items_format);
  r.require(keys, "items", *root, "", {}, " (the list of items)");
  if (const auto it = keys.find("doelenboom_items"); it != keys.end()) r.check_version(it->second, items_format);
  if (const auto it = keys.find("items"); it != keys.end() && r.is_list(it->second, "", {}, "a list of items")) {
    std::size_t position = 0;
    for (const auto& node : it->second.value) read_item(r, node, ++position, items);
  }
  return items;
}

}  // namespace

std::vector<Problem> check_items(const std::vector<Item>& items) {
  std::vector<Problem> out;
  std::unordered_map<std::string, std::size_t> index;
  struct ScaleInfo {
    std::vector<std::size_t> members;
  };
  std::map<std::string, ScaleInfo> scales;
  const auto at = [&](std::size_t i) {
    Location w = items[i].where;
    if (w.line == 0 && w.row == 0) w.row = i + 1;  // items built in code: their position
    return w;
  };
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    if (!is_slug(it.id)) {
      out.push_back(make_problem("bad_id", at(i), {it.id},
                                 "item id " + squote(it.id) +
                                     " is not a valid id (expected an ASCII slug: a letter or digit, then letters, digits, "
                                     "'_' or '-')"));
    } else if (auto [pos, fresh] = index.emplace(it.id, i); !fresh) {
      const std::string first = at(pos->second).to_string();
      out.push_back(make_problem("duplicate_id", at(i), {it.id},
                                 "duplicate item id " + squote(it.id) + " (first defined " +
                                     (first.empty() ? "earlier" : "at " + first) + ")"));
    }
    if (it.type != ItemType::likert5 && it.type != ItemType::yes_no && it.type != ItemType::grade) {
      out.push_back(make_problem("bad_type", at(i), {it.id},
                                 "item " + squote(it.id) + " has an invalid type (expected one of: " + type_list() + ")"));
    }
    if (!it.scale.empty()) {
      if (!is_slug(it.scale)) {
        out.push_back(make_problem("bad_id", at(i), {it.id},
                                   "scale " + squote(it.scale) + " of item " + squote(it.id) +
                                       " is not a valid id (expected an ASCII slug: a letter or digit, then letters, "
                                       "digits, '_' or '-')"));
      } else {
        scales[it.scale].members.push_back(i);
      }
    } else if (it.reversed) {
      out.push_back(make_problem("bad_reversed", at(i), {it.id},
                                 "item " + squote(it.id) +
                                     " is reversed but belongs to no scale (reversing only applies within a scale; "
                                     "give it a scale or remove 'reversed')"));
    }
  }
  for (const auto& [name, info] : scales) {
    const Item& first = items[info.members.front()];
    if (index.contains(name)) {
      out.push_back(make_problem("bad_scale", at(info.members.front()), {name},
                                 "scale " + squote(name) + " has the name of an item (expected scale names that differ "
                                                           "from item ids: both become indicator ids)"));
    }
    if (info.members.size() < 2) {
      out.push_back(make_problem("bad_scale", at(info.members.front()), {name, first.id},
                                 "scale " + squote(name) + " has only one item, " + squote(first.id) +
                                     " (expected at least 2 items for a scale score and Cronbach's alpha)"));
    }
    for (std::size_t m : info.members) {
      if (items[m].type != first.type) {
        out.push_back(make_problem("bad_scale", at(m), {name, items[m].id},
                                   "item " + squote(items[m].id) + " of scale " + squote(name) + " is " +
                                       std::string(to_string(items[m].type)) + " while item " + squote(first.id) +
                                       " is " + std::string(to_string(first.type)) +
                                       " (expected one item type per scale)"));
      }
    }
  }
  return out;
}

std::vector<Item> parse_items_yaml(std::string_view text, const std::string& source) {
  detail::require_utf8(text, source);
  detail::YamlReader reader(source);
  std::vector<Item> items = parse_items(reader, text);
  if (reader.problems().empty()) {
    auto more = check_items(items);
    reader.problems().insert(reader.problems().end(), more.begin(), more.end());
  }
  throw_if_problems<ParseError>(reader.problems());
  return items;
}

std::vector<Item> load_items_yaml(const std::filesystem::path& path) {
  return parse_items_yaml(detail::read_file_bytes(path), path.string());
}

// ---------------------------------------------------------------------------------------------
// Answers

namespace {

std::string expectation(ItemType t) {
  switch (t) {
    case ItemType::likert5: return "a whole number 1 (helemaal mee oneens) .. 5 (helemaal mee eens), or empty for no answer";
    case ItemType::yes_no: return "1/0, ja/nee, yes/no or true/false, or empty for no answer";
    case ItemType::grade: return "a grade (rapportcijfer) from 1 to 10, or empty for no answer";
  }
  return {};
}

std::string number_text(double v) { return detail::format_double(v); }

// Why `v` is not a valid answer to an item of type `t`, or "" when it is (NaN = no answer is valid).
std::string value_problem(double v, ItemType t) {
  if (std::isnan(v)) return {};
  const Item probe{{}, {}, t, {}, false, {}};
  if (!std::isfinite(v)) return "is not a finite number";
  if (v < probe.min() || v > probe.max())
    return "is outside " + number_text(probe.min()) + ".." + number_text(probe.max());
  if (t != ItemType::grade && v != std::floor(v)) return "is not a whole number";
  return {};
}

// "row 4 repeats the answer of the same respondent to item 'q1' in unit 'A', period 2023 given on
// row 1 (...)": one text for the readers and the check of views; `row` and `first` name the rows
// (with their lines, in a file), `period` is the period as shown.
std::string duplicate_answer_text(const std::string& row, const std::string& item, const std::string& unit,
                                  const std::string& period, const std::string* instrument, const std::string& first) {
  return row + " repeats the answer of the same respondent to item " + squote(item) + " in unit " + squote(unit) +
         ", period " + period + (instrument != nullptr ? ", instrument " + squote(*instrument) : std::string()) +
         " given on " + first + " (expected one answer per respondent, item, unit, period and instrument)";
}

// An answer cell as a number of an item of a type that reads numbers (`yes_no` false) or yes/no
// words; std::nullopt when it is neither; NaN when empty. Padding spaces are allowed.
detail::Read<std::optional<double>> read_answer(const detail::Cell& cell, bool yes_no) {
  if (cell.empty()) return detail::fine<std::optional<double>>(std::numeric_limits<double>::quiet_NaN());
  if (cell.kind == detail::Cell::Kind::number) return detail::fine<std::optional<double>>(cell.number);
  const std::string_view v = detail::trim_ascii(cell.text);
  return detail::fine(yes_no ? detail::parse_yes_no(v) : detail::parse_finite_double(v));
}

// The answer of row `r` to `it`, reporting a value that is not one; NaN when empty or wrong.
double answer_of(detail::CellSink& sink, const detail::Cell& cell, const std::optional<double>& x, const Item& it,
                 std::size_t r, const std::string& column) {
  const std::string what_item = std::string(to_string(it.type)) + " item " + squote(it.id);
  const std::string shown = cell.shown();
  if (!x) {
    const bool comma = cell.kind == detail::Cell::Kind::text && cell.text.find(',') != std::string_view::npos;
    sink.add(r, column, "bad_value",
             "value " + shown + " for " + what_item + " is not " +
                 (it.type == ItemType::yes_no ? std::string("a yes/no answer") : std::string("a number")) +
                 " (expected " + expectation(it.type) + (comma ? "; use a decimal point" : "") + ")");
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (const std::string why = value_problem(*x, it.type); !why.empty()) {
    sink.add(r, column, "bad_value", "value " + shown + " for " + what_item + " " + why + " (expected " + expectation(it.type) + ")");
    return std::numeric_limits<double>::quiet_NaN();
  }
  return *x;
}

// The answers read from cells, with what the duplicate check needs.
struct Answers {
  std::vector<std::int32_t> respondent;  // codes into respondent_ids
  std::vector<std::string> respondent_ids;
  std::vector<std::uint8_t> row_ok;  // rows whose key cells are valid take part in the duplicate check
};

Answers read_answers(const detail::Cells& cells, const std::array<std::size_t, 5>& columns,
                     std::optional<std::size_t> instrument_column, const ResponseColumns& cols,
                     const DataContext& context, ResponseTable& t, std::vector<std::string>& period_texts,
                     std::vector<Problem>& out) {
  const auto [cu, cp, cr, ci, cv] = columns;
  const std::vector<Item>& items = t.items;
  std::unordered_map<std::string, std::int32_t> item_index;
  for (std::size_t i = 0; i < items.size(); ++i) item_index.emplace(items[i].id, static_cast<std::int32_t>(i));
  std::vector<std::string_view> item_ids;
  for (const Item& i : items) item_ids.push_back(i.id);
  const std::string item_list = detail::join_words_capped(item_ids, false);

  Answers a;
  detail::Names units{t.unit_names}, periods{period_texts}, instruments{t.instrument_names},
      respondents{a.respondent_ids};
  detail::ReadColumn<std::int32_t> unit(cells, cu, detail::unit_reader(units, context.units));
  detail::ReadColumn<std::int32_t> period(cells, cp, detail::period_reader(periods));
  detail::ReadColumn<std::int32_t> respondent(
      cells, cr, detail::name_reader(respondents, "respondent id (expected a respondent identifier)"));
  std::optional<detail::ReadColumn<std::int32_t>> instrument;
  if (instrument_column) {
    instrument.emplace(cells, *instrument_column,
                       detail::name_reader(instruments, "instrument (expected the name of the questionnaire)"));
  }
  detail::ReadColumn<std::int32_t> item(cells, ci, [&](const detail::Cell& cell) {
    std::string buffer;
    const std::string_view id = cell.text_in(buffer);
    if (const auto found = item_index.find(std::string(id)); found != item_index.end())
      return detail::fine(found->second);
    return detail::bad<std::int32_t>(-1, "unknown_item",
                                     id.empty() ? "empty item (expected an item id of the items file: " + item_list + ")"
                                                : "unknown item " + squote(id) +
                                                      " (expected an item id of the items file: " + item_list + ")");
  });
  detail::ReadColumn<std::optional<double>> number(cells, cv, [](const detail::Cell& c) { return read_answer(c, false); });
  detail::ReadColumn<std::optional<double>> yes_no(cells, cv, [](const detail::Cell& c) { return read_answer(c, true); });

  const std::size_t n = cells.rows();
  for (auto* v : {&t.unit, &t.period, &t.item, &a.respondent}) v->reserve(n);
  t.value.reserve(n);
  a.row_ok.assign(n, 1);
  detail::CellSink sink{cells, {out, t.source}};
  detail::KeyCells key{sink, a.row_ok};
  for (std::size_t r = 0; r < n; ++r) {
    t.unit.push_back(key(r, cols.unit, unit(r)));
    t.period.push_back(key(r, cols.period, period(r)));
    if (instrument) t.instrument.push_back(key(r, cols.instrument, (*instrument)(r)));
    a.respondent.push_back(key(r, cols.respondent, respondent(r)));
    const std::int32_t code = key(r, cols.item, item(r));
    t.item.push_back(code);
    double value = std::numeric_limits<double>::quiet_NaN();
    if (code >= 0 && cells.key(cv, r) >= 0) {
      const Item& it = items[static_cast<std::size_t>(code)];
      const auto& x = (it.type == ItemType::yes_no ? yes_no(r) : number(r)).value;
      value = answer_of(sink, cells.at(cv, r), x, it, r, cols.value);
    }
    t.value.push_back(value);
  }
  sink.finish();
  return a;
}

// Reads (or, with `pseudonymise` null, only checks) answers; problems go to `out`.
ResponseTable read_table(const detail::Cells& cells, const std::vector<Item>& items, const Pseudonymiser* pseudonymise,
                         const ResponseColumns& cols, const DataContext& context, std::vector<Problem>& out) {
  ResponseTable t;
  t.source = cells.source();
  t.items = items;
  std::vector<std::string> known;
  for (const std::string* c : {&cols.unit, &cols.period, &cols.instrument, &cols.respondent, &cols.item, &cols.value})
    if (!c->empty()) known.push_back(*c);
  detail::check_known_columns(cells, known, out);
  const auto columns = detail::required_columns(cells, out, cols.unit, cols.period, cols.respondent, cols.item, cols.value);
  const std::optional<std::size_t> instrument_column =
      cols.instrument.empty() ? std::nullopt : cells.find(cols.instrument);
  if (!columns) return t;
  std::vector<std::string> period_texts;
  const Answers a = read_answers(cells, *columns, instrument_column, cols, context, t, period_texts, out);
  if (auto mixed = detail::order_periods(cells, period_texts, t.period, t.periods, cols.period)) out.push_back(*mixed);

  // Duplicates by (unit, period, instrument, item, respondent), after periods are merged.
  const bool has_instrument = instrument_column.has_value();
  const std::size_t n = cells.rows();
  const std::uint64_t np = t.periods.size() + 1, ni = t.instrument_names.size() + 1, nit = items.size() + 1;
  std::vector<std::uint64_t> key, id;
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < n; ++r) {
    if (!a.row_ok[r]) continue;
    key.push_back(((static_cast<std::uint64_t>(t.unit[r]) * np + static_cast<std::uint64_t>(t.period[r])) * ni +
                   (has_instrument ? static_cast<std::uint64_t>(t.instrument[r]) : 0)) * nit +
                  static_cast<std::uint64_t>(t.item[r]));
    id.push_back(static_cast<std::uint64_t>(a.respondent[r]));
    rows.push_back(r);
  }
  detail::ProblemSink dup_sink{out, t.source};
  for (const auto& [r, f] : detail::find_duplicates(key, t.unit_names.size() * np * ni * nit, id, rows)) {
    const std::string& item = items[static_cast<std::size_t>(t.item[r])].id;
    std::string buffer;
    // A file shows the period as written (the line finds it), a table as the period.
    const std::string period = cells.from_file() ? squote(cells.at((*columns)[1], r).text_in(buffer))
                                                 : t.periods[static_cast<std::size_t>(t.period[r])].to_string();
    dup_sink.add(make_problem(
        "duplicate_answer", cells.where(r, cols.respondent), {item},
        duplicate_answer_text(cells.row_ref(r), item, t.unit_names[static_cast<std::size_t>(t.unit[r])], period,
                              has_instrument ? &t.instrument_names[static_cast<std::size_t>(t.instrument[r])] : nullptr,
                              cells.row_ref(f))));
  }
  dup_sink.finish();

  // Each distinct respondent id is hashed once; raw ids go no further than this function.
  if (pseudonymise != nullptr) t.respondent = detail::pseudonyms_of(*pseudonymise, a.respondent_ids, a.respondent);
  return t;
}

ResponseTable read_file(const std::filesystem::path& path, const std::vector<Item>& items,
                        const Pseudonymiser* pseudonymise, const ResponseColumns& cols, const DataContext& context,
                        std::vector<Problem>& out) {
  {
    auto item_problems = check_items(items);
    out.insert(out.end(), item_problems.begin(), item_problems.end());
  }
  const auto csv = detail::read_csv_reporting(path, out);
  if (!csv) {
    ResponseTable t;
    t.source = path.string();
    t.items = items;
    return t;
  }
  return read_table(detail::Cells(*csv), items, pseudonymise, cols, context, out);
}

}  // namespace

ResponseTable read_responses_csv(const std::filesystem::path& path, const std::vector<Item>& items,
                                 const Pseudonymiser& pseudonymise, const ResponseColumns& columns,
                                 const DataContext& context) {
  std::vector<Problem> problems;
  ResponseTable t = read_file(path, items, &pseudonymise, columns, context, problems);
  throw_if_problems<DataError>(problems);
  return t;
}

std::vector<Problem> check_responses_csv(const std::filesystem::path& path, const std::vector<Item>& items,
                                         const ResponseColumns& columns, const DataContext& context) {
  std::vector<Problem> problems;
  (void)read_file(path, items, nullptr, columns, context, problems);
  return problems;
}

ResponseTable read_responses(const CellTable& table, const std::vector<Item>& items, const Pseudonymiser& pseudonymise,
                             const ResponseColumns& columns, const DataContext& context) {
  std::vector<Problem> problems = check_items(items);
  const detail::Cells cells(table);
  ResponseTable t;
  if (cells.check(problems)) t = read_table(cells, items, &pseudonymise, columns, context, problems);
  throw_if_problems<DataError>(problems);
  return t;
}

std::vector<Problem> check_responses(const ResponseView& d) {
  std::vector<Problem> out;
  const std::size_t n = d.unit.size();
  detail::ColumnLengths length_ok{out, d.source, n};
  const bool ok = length_ok(d.period.size(), "period", true) & length_ok(d.instrument.size(), "instrument", false) &
                  length_ok(d.respondent.size(), "respondent", true) & length_ok(d.item.size(), "item", true) &
                  length_ok(d.value.size(), "value", true);
  {
    auto item_problems = check_items(d.items);
    out.insert(out.end(), item_problems.begin(), item_problems.end());
  }
  detail::check_dictionary(d.unit_names, d.source, "unit", "unit", out);
  detail::check_dictionary(d.instrument_names, d.source, "instrument", "instrument", out);
  detail::check_periods(d.periods, d.source, out);
  if (!ok) return out;

  detail::ProblemSink sink{out, d.source};
  const auto loc = [&](std::size_t row, const char* field) { return Location{d.source, 0, row + 1, field}; };
  const bool has_instrument = !d.instrument.empty();
  const std::uint64_t np = d.periods.size(), ni = std::max<std::size_t>(d.instrument_names.size(), 1),
                      nit = d.items.size();
  std::vector<std::uint64_t> key, id;
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < n; ++r) {
    detail::RowCodes code{sink, r};
    code(d.unit[r], d.unit_names.size(), "unit");
    code(d.period[r], d.periods.size(), "period");
    if (has_instrument) code(d.instrument[r], d.instrument_names.size(), "instrument");
    code(d.item[r], d.items.size(), "item");
    if (!code.ok) continue;
    const Item& it = d.items[static_cast<std::size_t>(d.item[r])];
    if (const std::string why = value_problem(d.value[r], it.type); !why.empty()) {
      sink.add(make_problem("bad_value", loc(r, "value"), {it.id},
                            "value " + number_text(d.value[r]) + " for " + std::string(to_string(it.type)) + " item " +
                                squote(it.id) + " " + why + " (expected " + expectation(it.type) + ")"));
    }
    key.push_back(((static_cast<std::uint64_t>(d.unit[r]) * np + static_cast<std::uint64_t>(d.period[r])) * ni +
                   (has_instrument ? static_cast<std::uint64_t>(d.instrument[r]) : 0)) * nit +
                  static_cast<std::uint64_t>(d.item[r]));
    id.push_back(d.respondent[r]);
    rows.push_back(r);
  }
  for (const auto& [r, f] : detail::find_duplicates(key, d.unit_names.size() * np * ni * nit, id, rows)) {
    const Item& it = d.items[static_cast<std::size_t>(d.item[r])];
    sink.add(make_problem(
        "duplicate_answer", loc(r, "respondent"), {it.id},
        duplicate_answer_text("row " + std::to_string(r + 1), it.id,
                              d.unit_names[static_cast<std::size_t>(d.unit[r])],
                              d.periods[static_cast<std::size_t>(d.period[r])].to_string(),
                              has_instrument ? &d.instrument_names[static_cast<std::size_t>(d.instrument[r])] : nullptr,
                              "row " + std::to_string(f + 1))));
  }
  sink.finish();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Estimation

Dataset estimate_survey(const ResponseView& d, const SurveyOptions& options, const DataContext& context) {
  {
    std::vector<Problem> problems = check_responses(d);
    if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
      problems.push_back(make_problem("bad_option", {}, {},
                                      "confidence " + number_text(options.confidence) +
                                          " is not valid (expected a level between 0 and 1, e.g. 0.95)"));
    }
    throw_if_problems<DataError>(problems);
  }
  // One computation for a table and for the merged partials of its parts (src/estimate/survey.cpp).
  return estimate_survey(detail::survey_partial_unchecked(d, 0), options, context);
}

}  // namespace doelenboom
