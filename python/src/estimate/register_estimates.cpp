// The estimators for Python: Pseudonymiser, the registrations (reach), questionnaire (survey) and
// pre/post (ZRM) readers, checks and estimators. Only conversion happens here. Columns arrive as
// 1-D numpy arrays; when their dtype and layout already match (the facade makes sure) the C++ view
// points into the numpy buffers without a copy, and the arrays stay referenced until the call
// returns. Estimation and file reading run with the GIL released.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <tuple>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"
#include "core/cells.hpp"
#include "core/columns.hpp"
#include "core/tables.hpp"
#include "doelenboom/dataset.hpp"
#include "doelenboom/period.hpp"
#include "doelenboom/prepost.hpp"
#include "doelenboom/pseudonym.hpp"
#include "doelenboom/questionnaire.hpp"
#include "doelenboom/registrations.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom::python {

namespace {

// ---------------------------------------------------------------------------------------------
// Items

Item make_item(std::string id, std::string label, const std::string& type, std::string scale, bool reversed) {
  const auto t = parse_item_type(type);
  if (!t) data_fail("bad_type", "type", "item type '" + type + "' is not one of: likert5, yes_no, grade", {});
  Item item;
  item.id = std::move(id);
  item.label = std::move(label);
  item.type = *t;
  item.scale = std::move(scale);
  item.reversed = reversed;
  return item;
}

// The fields of a Columns struct (the column name each field is read from), for its Python class
// and for a {field: column} mapping.
template <class Columns>
using Fields = std::vector<std::pair<const char*, std::string Columns::*>>;

const Fields<RegistrationColumns> registration_fields{
    {"unit", &RegistrationColumns::unit},
    {"period", &RegistrationColumns::period},
    {"client", &RegistrationColumns::client},
    {"hours", &RegistrationColumns::hours},
    {"referral", &RegistrationColumns::referral},
    {"referrer_contact", &RegistrationColumns::referrer_contact},
    {"channel", &RegistrationColumns::channel},
    {"life_domain", &RegistrationColumns::life_domain},
    {"start_date", &RegistrationColumns::start_date},
    {"end_date", &RegistrationColumns::end_date}};
const Fields<ResponseColumns> response_fields{
    {"unit", &ResponseColumns::unit},           {"period", &ResponseColumns::period},
    {"instrument", &ResponseColumns::instrument}, {"respondent", &ResponseColumns::respondent},
    {"item", &ResponseColumns::item},           {"value", &ResponseColumns::value}};
const Fields<PrePostColumns> prepost_fields{{"unit", &PrePostColumns::unit},     {"period", &PrePostColumns::period},
                                            {"client", &PrePostColumns::client}, {"domain", &PrePostColumns::domain},
                                            {"pre", &PrePostColumns::pre},       {"post", &PrePostColumns::post}};

template <class Columns>
void bind_columns(py::module_& m, const char* name, const char* doc, const Fields<Columns>& fields) {
  py::class_<Columns> c(m, name, doc);
  c.def(py::init<>());
  for (const auto& [field, member] : fields) c.def_readwrite(field, member);
}

// The Columns of a Columns object, None (the defaults) or a {field: column} mapping; a field that
// is not one of `fields` is a DataError (code bad_option).
template <class Columns>
Columns columns_of(const py::object& value, const Fields<Columns>& fields, const std::string& source) {
  if (value.is_none()) return {};
  if (py::isinstance<Columns>(value)) return value.cast<Columns>();
  Columns out;
  std::string names;
  for (const auto& field : fields) names += (names.empty() ? "" : ", ") + std::string(field.first);
  for (const auto& item : value.cast<py::dict>()) {
    const auto field = py::cast<std::string>(item.first);
    const auto it = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return field == f.first; });
    if (it == fields.end()) {
      data_fail("bad_option", {}, "columns names an unknown field '" + field + "' (expected one of: " + names + ")",
                source);
    }
    out.*(it->second) = py::cast<std::string>(item.second);
  }
  return out;
}

// A table read from a file or from cells, as a dict of numpy columns (codes) and name lists; the
// keys are the names of the estimators' arguments. First what every table has.
template <class Table>
py::dict table_dict(Table& t) {
  py::dict d;
  d["unit"] = to_numpy(std::move(t.unit));
  d["period"] = to_numpy(std::move(t.period));
  d["unit_names"] = t.unit_names;
  d["periods"] = periods_to_list(t.periods);
  d["source"] = t.source;
  return d;
}

py::dict registration_dict(RegistrationTable&& t) {
  const std::size_t n = t.size();
  py::dict d = table_dict(t);
  d["client"] = to_numpy(std::move(t.client));
  d["hours"] = column_or_none(std::move(t.hours), n);
  d["referral"] = column_or_none(std::move(t.referral), n);
  d["referrer_contact"] = column_or_none(std::move(t.referrer_contact), n);
  d["channel"] = column_or_none(std::move(t.channel), n);
  d["life_domain"] = column_or_none(std::move(t.life_domain), n);
  d["start_day"] = column_or_none(std::move(t.start_day), n);
  d["end_day"] = column_or_none(std::move(t.end_day), n);
  d["channel_names"] = t.channel_names;
  d["life_domain_names"] = t.life_domain_names;
  return d;
}

py::dict response_dict(ResponseTable&& t) {
  const std::size_t n = t.size();
  py::dict d = table_dict(t);
  d["instrument"] = column_or_none(std::move(t.instrument), n);
  d["respondent"] = to_numpy(std::move(t.respondent));
  d["item"] = to_numpy(std::move(t.item));
  d["value"] = to_numpy(std::move(t.value));
  d["instrument_names"] = t.instrument_names;
  d["items"] = t.items;
  return d;
}

py::dict prepost_dict(PrePostTable&& t) {
  py::dict d = table_dict(t);
  d["client"] = to_numpy(std::move(t.client));
  d["domain"] = to_numpy(std::move(t.domain));
  d["pre"] = to_numpy(std::move(t.pre));
  d["post"] = to_numpy(std::move(t.post));
  d["domain_names"] = t.domain_names;
  return d;
}

constexpr const char* frame_doc =
    "\n`names` and `cells` are the frame's columns in order: each cells a float64 array (numbers), a list or\n"
    "object array of Python objects, or (codes, categories) from pandas.factorize. `columns` maps fields to\n"
    "column names (a dict or the Columns class). Every check is the CSV reader's; DataError lists every problem.";

std::string item_repr(const Item& i) {
  std::string out = "Item(id='" + i.id + "', type='" + std::string(to_string(i.type)) + "'";
  if (!i.scale.empty()) out += ", scale='" + i.scale + "'";
  if (i.reversed) out += ", reversed=True";
  return out + ")";
}

// The keyed pseudonyms and the pseudonyms of an id column.
void bind_pseudonymiser(py::module_& m) {
  py::class_<Pseudonymiser>(m, "Pseudonymiser",
                            "Keyed pseudonyms: the first 8 bytes of HMAC-SHA-256(key, id), big-endian, as an int.\n"
                            "Python check: int.from_bytes(hmac.new(key, id, 'sha256').digest()[:8], 'big').")
      .def(py::init([](const py::object& key) {
             if (py::isinstance<py::bytes>(key)) return Pseudonymiser(key.cast<std::string>());
             if (py::isinstance<py::str>(key)) return Pseudonymiser(key.cast<std::string>());  // UTF-8 bytes
             throw py::type_error("the key must be bytes or str, not " +
                                  py::str(py::type::of(key).attr("__name__")).cast<std::string>());
           }),
           py::arg("key"), "At least 16 bytes of key (str keys count their UTF-8 bytes); DataError otherwise.")
      .def("__call__", &Pseudonymiser::operator(), py::arg("id"), "The pseudonym of one id (UTF-8 of a str).")
      .def("hex", &Pseudonymiser::hex, py::arg("id"), "The pseudonym as 16 lowercase hex digits.")
      .def(
          "many",
          [](const Pseudonymiser& p, const py::sequence& ids) {
            std::vector<std::string> texts;
            texts.reserve(ids.size());
            for (std::size_t i = 0; i < ids.size(); ++i) {
              const py::handle id = ids[i];
              if (!py::isinstance<py::str>(id) && !py::isinstance<py::bytes>(id)) {
                throw py::type_error("id " + std::to_string(i) + " is " + py::repr(id).cast<std::string>() +
                                     " (expected str or bytes)");
              }
              texts.push_back(id.cast<std::string>());
            }
            std::vector<std::uint64_t> out;
            {
              py::gil_scoped_release release;
              out = p.many(texts);
            }
            return to_numpy(std::move(out));
          },
          py::arg("ids"), "Pseudonyms of a sequence of str ids as a uint64 array (hashed without the GIL).")
      .def("__repr__", [](const Pseudonymiser&) { return std::string("<Pseudonymiser (key hidden)>"); })
      .def_property_readonly_static("min_key_bytes", [](const py::object&) { return Pseudonymiser::min_key_bytes; });

  m.def(
      "pseudonymise_ids",
      [](const py::handle& ids, const Pseudonymiser& key, std::string name, std::string source) {
        PyCells table;
        table.table.source = std::move(source);
        table.add(std::move(name), ids);
        table.table.rows = table.table.columns.front().size();
        std::vector<std::uint64_t> out;
        {
          py::gil_scoped_release release;
          out = pseudonymise_column(table.table, key);
        }
        return to_numpy(std::move(out));
      },
      py::arg("ids"), py::arg("key"), py::kw_only(), py::arg("name") = "id", py::arg("source") = "ids",
      "Pseudonyms (uint64) of a column of ids given as cells (see read_registrations_frame), each distinct id\n"
      "hashed once; DataError names each empty id.");
}

// Registrations: their columns, the CSV and frame readers, the reach estimator.
void bind_registrations(py::module_& m) {
  m.attr("missing_day") = missing_day;

  bind_columns(m, "RegistrationColumns", "Column names of a registrations CSV ('' = no such column).",
               registration_fields);

  m.def(
      "read_registrations_csv",
      [](const std::filesystem::path& path, const Pseudonymiser& key, const RegistrationColumns& cols,
         const UnitRegistry* units) {
        RegistrationTable t;
        {
          py::gil_scoped_release release;
          t = read_registrations_csv(path, key, cols, context_of(units));
        }
        return registration_dict(std::move(t));
      },
      py::arg("path"), py::arg("key"), py::arg("columns") = RegistrationColumns{}, py::arg("units") = nullptr,
      "Read a registrations CSV, pseudonymising clients; a dict of numpy columns (codes) and name lists.");

  m.def(
      "check_registrations_csv",
      [](const std::filesystem::path& path, const RegistrationColumns& cols, const UnitRegistry* units) {
        std::vector<Problem> problems;
        {
          py::gil_scoped_release release;
          problems = check_registrations_csv(path, cols, context_of(units));
        }
        return problems_to_list(problems);
      },
      py::arg("path"), py::arg("columns") = RegistrationColumns{}, py::arg("units") = nullptr,
      "Every problem of a registrations CSV, as a list of dicts (empty when valid).");

  m.def(
      "read_registrations_frame",
      [](const py::sequence& names, const py::sequence& cells, std::size_t rows, const Pseudonymiser& key,
         const py::object& columns, std::string source) {
        PyCells table;
        fill(table, names, cells, rows, std::move(source));
        const auto cols = columns_of(columns, registration_fields, table.table.source);
        RegistrationTable t;
        {
          py::gil_scoped_release release;
          t = read_registrations(table.table, key, cols);
        }
        return registration_dict(std::move(t));
      },
      py::arg("names"), py::arg("cells"), py::kw_only(), py::arg("rows"), py::arg("key"),
      py::arg("columns") = py::none(), py::arg("source") = "DataFrame",
      (std::string("Read registrations given by column, as read_registrations_csv reads a file, into the same dict.") +
       frame_doc)
          .c_str());

  m.def(
      "estimate_reach",
      [](const Array<std::int32_t>& unit, const Array<std::int32_t>& period, const Array<std::uint64_t>& client,
         const OptArray<double>& hours, const OptArray<std::int8_t>& referral,
         const OptArray<std::int8_t>& referrer_contact, const OptArray<std::int32_t>& channel,
         const OptArray<std::int32_t>& life_domain, const OptArray<std::int32_t>& start_day,
         const OptArray<std::int32_t>& end_day, std::vector<std::string> unit_names, const py::sequence& periods,
         std::vector<std::string> channel_names, std::vector<std::string> life_domain_names, std::string source,
         std::string prefix, std::string phone_channel, double rate_per, const UnitRegistry* units,
         double suppression_threshold, double small_count_threshold) {
        const auto v = registration_view(unit, period, client, hours, referral, referrer_contact, channel, life_domain,
                                         start_day, end_day, std::move(unit_names), periods, std::move(channel_names),
                                         std::move(life_domain_names), std::move(source));
        ReachOptions o;
        o.prefix = std::move(prefix);
        o.phone_channel = std::move(phone_channel);
        o.rate_per = rate_per;
        py::gil_scoped_release release;  // the arrays above stay referenced by the arguments
        return estimate_reach(v.view, o, context_of(units, suppression_threshold, small_count_threshold));
      },
      py::arg("unit"), py::arg("period"), py::arg("client"), py::kw_only(), py::arg("hours") = py::none(),
      py::arg("referral") = py::none(), py::arg("referrer_contact") = py::none(), py::arg("channel") = py::none(),
      py::arg("life_domain") = py::none(), py::arg("start_day") = py::none(), py::arg("end_day") = py::none(),
      py::arg("unit_names"), py::arg("periods"), py::arg("channel_names") = std::vector<std::string>{},
      py::arg("life_domain_names") = std::vector<std::string>{}, py::arg("source") = "DataFrame",
      py::arg("prefix") = "reach.", py::arg("phone_channel") = "telefoon", py::arg("rate_per") = 1000.0,
      py::arg("units") = nullptr, py::arg("suppression_threshold") = default_suppression_threshold,
      py::arg("small_count_threshold") = default_small_count_threshold,
      "Reach estimates per (unit, period) from columns: int32 codes (-1 = not recorded), uint64 pseudonyms,\n"
      "float64 hours (NaN = not recorded), int8 flags (-1/0/1), int32 days since 1970-01-01 (missing_day).");
}

// Questionnaire items: the Item class and the items readers.
void bind_items(py::module_& m) {
  py::class_<Item>(m, "Item", "A questionnaire item: id, label, type (likert5, yes_no, grade), scale, reversed.")
      .def(py::init(&make_item), py::arg("id"), py::arg("label") = "", py::arg("type") = "likert5",
           py::arg("scale") = "", py::arg("reversed") = false)
      .def_readwrite("id", &Item::id)
      .def_readwrite("label", &Item::label)
      .def_property(
          "type", [](const Item& i) { return std::string(to_string(i.type)); },
          [](Item& i, const std::string& t) { i.type = make_item({}, {}, t, {}, false).type; })
      .def_readwrite("scale", &Item::scale)
      .def_readwrite("reversed", &Item::reversed)
      .def_property_readonly("min", &Item::min)
      .def_property_readonly("max", &Item::max)
      .def_property_readonly("file", [](const Item& i) { return i.where.file; })
      .def_property_readonly("line", [](const Item& i) { return i.where.line; })
      .def("__repr__", &item_repr);

  m.def("load_items_yaml", &load_items_yaml, py::arg("path"), "Items from a YAML file; ParseError lists every problem.");
  m.def("parse_items_yaml", &parse_items_yaml, py::arg("text"), py::arg("source") = "<string>",
        "Items from YAML text; ParseError lists every problem.");
  m.def(
      "check_items", [](const std::vector<Item>& items) { return problems_to_list(check_items(items)); },
      py::arg("items"), "Every problem of item definitions, as a list of dicts.");
  m.def(
      "items_of",
      [](const py::sequence& entries) {
        // Dicts become Items through the Item class (its defaults and type errors); a key it does
        // not take is a problem, and so is every problem check_items finds.
        static const std::vector<std::string> keys{"id", "label", "type", "scale", "reversed"};
        const py::object item_class = py::type::of<Item>();
        std::vector<Item> items;
        std::vector<Problem> problems;
        for (std::size_t i = 0; i < entries.size(); ++i) {
          const py::object entry = entries[i];
          if (py::isinstance<Item>(entry)) {
            items.push_back(entry.cast<Item>());
            continue;
          }
          const py::dict fields(entry);
          for (const auto& field : fields) {
            if (std::find(keys.begin(), keys.end(), py::str(field.first).cast<std::string>()) != keys.end()) continue;
            problems.push_back(make_problem("unknown_key", Location{{}, 0, i + 1, {}}, {},
                                            "unknown key " + py::repr(field.first).cast<std::string>() +
                                                " (expected id, label, type, scale, reversed)"));
          }
          if (problems.empty()) items.push_back(item_class(**fields).cast<Item>());
        }
        if (problems.empty()) problems = check_items(items);
        throw_if_problems<DataError>(problems);
        return items;
      },
      py::arg("entries"),
      "Items from Item objects or dicts with the keys id, label, type, scale, reversed; DataError lists every\n"
      "problem (unknown keys, then those of check_items), rows numbered from 1.");
}

// Answers: their columns, the CSV and frame readers, checks and the survey estimator.
void bind_answers(py::module_& m) {
  bind_columns(m, "ResponseColumns", "Column names of an answers CSV (instrument '' = none).", response_fields);

  m.def(
      "read_responses_csv",
      [](const std::filesystem::path& path, const std::vector<Item>& items, const Pseudonymiser& key,
         const ResponseColumns& cols, const UnitRegistry* units) {
        ResponseTable t;
        {
          py::gil_scoped_release release;
          t = read_responses_csv(path, items, key, cols, context_of(units));
        }
        return response_dict(std::move(t));
      },
      py::arg("path"), py::arg("items"), py::arg("key"), py::arg("columns") = ResponseColumns{},
      py::arg("units") = nullptr, "Read an answers CSV, pseudonymising respondents; a dict of numpy columns.");

  m.def(
      "check_responses_csv",
      [](const std::filesystem::path& path, const std::vector<Item>& items, const ResponseColumns& cols,
         const UnitRegistry* units) {
        std::vector<Problem> problems;
        {
          py::gil_scoped_release release;
          problems = check_responses_csv(path, items, cols, context_of(units));
        }
        return problems_to_list(problems);
      },
      py::arg("path"), py::arg("items"), py::arg("columns") = ResponseColumns{}, py::arg("units") = nullptr,
      "Every problem of an answers CSV, as a list of dicts.");

  m.def(
      "read_responses_frame",
      [](const py::sequence& names, const py::sequence& cells, std::size_t rows, const std::vector<Item>& items,
         const Pseudonymiser& key, const py::object& columns, std::string source) {
        PyCells table;
        fill(table, names, cells, rows, std::move(source));
        const auto cols = columns_of(columns, response_fields, table.table.source);
        ResponseTable t;
        {
          py::gil_scoped_release release;
          t = read_responses(table.table, items, key, cols);
        }
        return response_dict(std::move(t));
      },
      py::arg("names"), py::arg("cells"), py::kw_only(), py::arg("rows"), py::arg("items"), py::arg("key"),
      py::arg("columns") = py::none(), py::arg("source") = "DataFrame",
      (std::string("Read answers given by column, as read_responses_csv reads a file, into the same dict.") + frame_doc)
          .c_str());

  m.def(
      "check_responses",
      [](const Array<std::int32_t>& unit, const Array<std::int32_t>& period,
         const Array<std::uint64_t>& respondent, const Array<std::int32_t>& item, const Array<double>& value,
         const OptArray<std::int32_t>& instrument, std::vector<std::string> unit_names,
         const py::sequence& periods, std::vector<std::string> instrument_names, std::vector<Item> items,
         std::string source) {
        const auto a = response_view(unit, period, respondent, item, value, instrument, std::move(unit_names), periods,
                                     std::move(instrument_names), std::move(items), std::move(source));
        return problems_to_list(check_responses(a.view));
      },
      py::arg("unit"), py::arg("period"), py::arg("respondent"), py::arg("item"), py::arg("value"), py::kw_only(),
      py::arg("instrument") = py::none(), py::arg("unit_names"), py::arg("periods"),
      py::arg("instrument_names") = std::vector<std::string>{}, py::arg("items"), py::arg("source") = "DataFrame",
      "Every problem of answers given by column, as a list of dicts (rows 1-based).");

  m.def(
      "estimate_survey",
      [](const Array<std::int32_t>& unit, const Array<std::int32_t>& period,
         const Array<std::uint64_t>& respondent, const Array<std::int32_t>& item, const Array<double>& value,
         const OptArray<std::int32_t>& instrument, std::vector<std::string> unit_names,
         const py::sequence& periods, std::vector<std::string> instrument_names, std::vector<Item> items,
         std::string source, double confidence, bool per_instrument, const UnitRegistry* units,
         double suppression_threshold, double small_count_threshold) {
        const auto a = response_view(unit, period, respondent, item, value, instrument, std::move(unit_names), periods,
                                     std::move(instrument_names), std::move(items), std::move(source));
        SurveyOptions o;
        o.confidence = confidence;
        o.per_instrument = per_instrument;
        py::gil_scoped_release release;
        return estimate_survey(a.view, o, context_of(units, suppression_threshold, small_count_threshold));
      },
      py::arg("unit"), py::arg("period"), py::arg("respondent"), py::arg("item"), py::arg("value"), py::kw_only(),
      py::arg("instrument") = py::none(), py::arg("unit_names"), py::arg("periods"),
      py::arg("instrument_names") = std::vector<std::string>{}, py::arg("items"), py::arg("source") = "DataFrame",
      py::arg("confidence") = 0.95, py::arg("per_instrument") = false, py::arg("units") = nullptr,
      py::arg("suppression_threshold") = default_suppression_threshold,
      py::arg("small_count_threshold") = default_small_count_threshold,
      "Survey estimates per (unit, period) from columns: int32 codes, uint64 pseudonyms, item codes into\n"
      "`items`, float64 answers (NaN = no answer).");
}

// Pre/post scores: their columns, the CSV and frame readers, checks and the estimator.
void bind_prepost(py::module_& m) {
  bind_columns(m, "PrePostColumns", "Column names of a pre/post CSV.", prepost_fields);

  m.def(
      "read_prepost_csv",
      [](const std::filesystem::path& path, const Pseudonymiser& key, const PrePostColumns& cols,
         int min_score, int max_score, const UnitRegistry* units) {
        PrePostTable t;
        {
          py::gil_scoped_release release;
          t = read_prepost_csv(path, key, cols, prepost_options("", min_score, max_score, std::nullopt, 0.95),
                               context_of(units));
        }
        return prepost_dict(std::move(t));
      },
      py::arg("path"), py::arg("key"), py::arg("columns") = PrePostColumns{}, py::arg("min_score") = 1,
      py::arg("max_score") = 5, py::arg("units") = nullptr,
      "Read a pre/post CSV, pseudonymising clients; a dict of numpy columns and name lists.");

  m.def(
      "check_prepost_csv",
      [](const std::filesystem::path& path, const PrePostColumns& cols, int min_score, int max_score,
         const UnitRegistry* units) {
        std::vector<Problem> problems;
        {
          py::gil_scoped_release release;
          problems = check_prepost_csv(path, cols, prepost_options("", min_score, max_score, std::nullopt, 0.95),
                               context_of(units));
        }
        return problems_to_list(problems);
      },
      py::arg("path"), py::arg("columns") = PrePostColumns{}, py::arg("min_score") = 1, py::arg("max_score") = 5,
      py::arg("units") = nullptr, "Every problem of a pre/post CSV, as a list of dicts.");

  m.def(
      "read_prepost_frame",
      [](const py::sequence& names, const py::sequence& cells, std::size_t rows, const Pseudonymiser& key,
         const py::object& columns, std::string source, int min_score, int max_score,
         std::optional<double> reliability, double confidence) {
        PyCells table;
        fill(table, names, cells, rows, std::move(source));
        const auto cols = columns_of(columns, prepost_fields, table.table.source);
        const PrePostOptions o = prepost_options("", min_score, max_score, reliability, confidence);
        PrePostTable t;
        {
          py::gil_scoped_release release;
          t = read_prepost(table.table, key, cols, o);
        }
        return prepost_dict(std::move(t));
      },
      py::arg("names"), py::arg("cells"), py::kw_only(), py::arg("rows"), py::arg("key"),
      py::arg("columns") = py::none(), py::arg("source") = "DataFrame", py::arg("min_score") = 1,
      py::arg("max_score") = 5, py::arg("reliability") = py::none(), py::arg("confidence") = 0.95,
      (std::string("Read pre/post scores given by column, as read_prepost_csv reads a file, into the same dict.") +
       frame_doc)
          .c_str());

  m.def(
      "check_prepost",
      [](const Array<std::int32_t>& unit, const Array<std::int32_t>& period,
         const Array<std::uint64_t>& client, const Array<std::int32_t>& domain,
         const Array<double>& pre, const Array<double>& post,
         std::vector<std::string> unit_names, const py::sequence& periods,
         std::vector<std::string> domain_names, std::string source, int min_score,
         int max_score, std::optional<double> reliability, double confidence) {
        const auto a = prepost_view(unit, period, client, domain, pre, post, std::move(unit_names), periods,
                                    std::move(domain_names), std::move(source));
        return problems_to_list(check_prepost(a.view, prepost_options("", min_score, max_score, reliability, confidence)));
      },
      py::arg("unit"), py::arg("period"), py::arg("client"), py::arg("domain"), py::arg("pre"), py::arg("post"),
      py::kw_only(), py::arg("unit_names"), py::arg("periods"), py::arg("domain_names"),
      py::arg("source") = "DataFrame", py::arg("min_score") = 1, py::arg("max_score") = 5,
      py::arg("reliability") = py::none(), py::arg("confidence") = 0.95,
      "Every problem of pre/post scores given by column, as a list of dicts (rows 1-based).");

  m.def(
      "estimate_prepost",
      [](const Array<std::int32_t>& unit, const Array<std::int32_t>& period,
         const Array<std::uint64_t>& client, const Array<std::int32_t>& domain,
         const Array<double>& pre, const Array<double>& post,
         std::vector<std::string> unit_names, const py::sequence& periods,
         std::vector<std::string> domain_names, std::string source, std::string prefix,
         int min_score, int max_score, std::optional<double> reliability,
         double confidence, const UnitRegistry* units, double suppression_threshold, double small_count_threshold) {
        const auto a = prepost_view(unit, period, client, domain, pre, post, std::move(unit_names), periods,
                                    std::move(domain_names), std::move(source));
        const PrePostOptions o = prepost_options(std::move(prefix), min_score, max_score, reliability, confidence);
        PrePostResult r;
        {
          py::gil_scoped_release release;
          r = estimate_prepost(a.view, o, context_of(units, suppression_threshold, small_count_threshold));
        }
        return py::make_tuple(py::cast(std::move(r.estimates)), shift_dicts(r.shifts));
      },
      py::arg("unit"), py::arg("period"), py::arg("client"), py::arg("domain"), py::arg("pre"), py::arg("post"),
      py::kw_only(), py::arg("unit_names"), py::arg("periods"), py::arg("domain_names"),
      py::arg("source") = "DataFrame", py::arg("prefix") = "zrm.", py::arg("min_score") = 1, py::arg("max_score") = 5,
      py::arg("reliability") = py::none(), py::arg("confidence") = 0.95, py::arg("units") = nullptr,
      py::arg("suppression_threshold") = default_suppression_threshold,
      py::arg("small_count_threshold") = default_small_count_threshold,
      "Pre/post estimates per (unit, period) and the shift tables: (Dataset, list of dicts with unit, period,\n"
      "domain, min, max, n, improved, same, worse, counts (rows pre, columns post), suppressed).");
}

}  // namespace

void register_estimates(py::module_& m) {
  // The names the disclosure rules rely on (doelenboom/disclosure.hpp), for the audit.
  m.def(
      "split_breakdown_unit_id",
      [](const std::string& id) -> std::optional<std::tuple<std::string, std::string, std::string>> {
        auto parts = parse_breakdown_unit_id(id);
        if (!parts) return std::nullopt;
        return std::tuple{std::move(parts->unit), std::move(parts->column), std::move(parts->value)};
      },
      py::arg("id"), "'GM0717/kern=Domburg' -> ('GM0717', 'kern', 'Domburg'); None for an id that is not a sub-unit id.");
  m.attr("change_share_suffixes") = py::make_tuple(std::string(change_share_suffixes[0]), std::string(change_share_suffixes[1]),
                                                   std::string(change_share_suffixes[2]));
  bind_pseudonymiser(m);
  bind_registrations(m);
  bind_items(m);
  bind_answers(m);
  bind_prepost(m);
}

}  // namespace doelenboom::python
