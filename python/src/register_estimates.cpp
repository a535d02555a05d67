// The estimators for Python: Pseudonymiser, the registrations (reach), questionnaire (survey) and
// pre/post (ZRM) readers, checks and estimators. Only conversion happens here. Columns arrive as
// 1-D numpy arrays; when their dtype and layout already match (the facade makes sure) the C++ view
// points into the numpy buffers without a copy, and the arrays stay referenced until the call
// returns. Estimation and file reading run with the GIL released.

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"
#include "doelenboom/dataset.hpp"
#include "doelenboom/period.hpp"
#include "doelenboom/prepost.hpp"
#include "doelenboom/pseudonym.hpp"
#include "doelenboom/questionnaire.hpp"
#include "doelenboom/registrations.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom::python {

namespace {

constexpr auto array_flags = py::array::c_style | py::array::forcecast;
template <class T>
using Array = py::array_t<T, array_flags>;
template <class T>
using OptArray = std::optional<Array<T>>;

[[noreturn]] void data_fail(const std::string& code, const std::string& field, const std::string& what,
                            const std::string& source) {
  std::vector<Problem> problems{make_problem(code, Location{source, 0, 0, field}, {}, what)};
  throw DataError(problems.front().message, problems);
}

template <class T>
std::span<const T> span_of(const Array<T>& a, const char* field, const std::string& source) {
  if (a.ndim() != 1)
    data_fail("bad_shape", field, "the column has " + std::to_string(a.ndim()) + " dimensions (expected a 1-D array)", source);
  return {a.data(), static_cast<std::size_t>(a.size())};
}

template <class T>
std::span<const T> span_of(const OptArray<T>& a, const char* field, const std::string& source) {
  return a ? span_of(*a, field, source) : std::span<const T>{};
}

// A vector handed to numpy without a copy: the capsule owns it.
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& v) {
  auto* owned = new std::vector<T>(std::move(v));
  py::capsule owner(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(owned->size())}, {static_cast<py::ssize_t>(sizeof(T))}, owned->data(),
                        owner);
}

// An optional column of a table: None when the file had no such column (the reader leaves it empty).
template <class T>
py::object column_or_none(std::vector<T>&& v, std::size_t rows) {
  if (v.empty() && rows > 0) return py::none();
  return to_numpy(std::move(v));
}

// Periods from text ("2023", "2023-Q2"), int years or Period objects.
Period period_of(const py::handle& value, std::size_t position, const std::string& source) {
  if (py::isinstance<Period>(value)) return value.cast<Period>();
  std::optional<Period> p;
  if (py::isinstance<py::str>(value)) p = Period::parse(value.cast<std::string>());
  else if (py::isinstance<py::int_>(value) && !py::isinstance<py::bool_>(value))
    p = Period::parse(std::to_string(value.cast<long long>()));
  if (!p) {
    data_fail("bad_period", "period",
              "period " + std::to_string(position) + " " + py::repr(value).cast<std::string>() +
                  " is not a period (expected a year 2023 or '2023', a quarter '2023-Q2' or a month '2023-05')",
              source);
  }
  return *p;
}

// The period dictionary. Names that denote the same period ("2023-Q2", "2023Q2") are merged; then
// the codes are rewritten into `remapped` (a copy) and the view must use that instead.
struct Periods {
  std::vector<Period> periods;
  std::vector<std::int32_t> remapped;
  bool merged = false;
};

Periods periods_of(const py::sequence& names, std::span<const std::int32_t> codes, const std::string& source) {
  Periods out;
  std::vector<std::int32_t> map;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const Period p = period_of(names[i], i, source);
    std::size_t j = 0;
    while (j < out.periods.size() && !(out.periods[j] == p)) ++j;
    if (j == out.periods.size()) out.periods.push_back(p);
    else out.merged = true;
    map.push_back(static_cast<std::int32_t>(j));
  }
  if (out.merged) {
    out.remapped.reserve(codes.size());
    // Codes out of range stay as they are: the check reports them.
    for (const auto c : codes)
      out.remapped.push_back(c >= 0 && static_cast<std::size_t>(c) < map.size() ? map[static_cast<std::size_t>(c)] : c);
  }
  return out;
}

DataContext context_of(const UnitRegistry* units, double suppression_threshold) {
  DataContext c;
  c.units = units;
  c.suppression_threshold = suppression_threshold;
  return c;
}

py::list periods_to_list(const std::vector<Period>& periods) {
  py::list out;
  for (const auto& p : periods) out.append(p.to_string());
  return out;
}

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

std::string item_repr(const Item& i) {
  std::string out = "Item(id='" + i.id + "', type='" + std::string(to_string(i.type)) + "'";
  if (!i.scale.empty()) out += ", scale='" + i.scale + "'";
  if (i.reversed) out += ", reversed=True";
  return out + ")";
}

}  // namespace

void register_estimates(py::module_& m) {
  // ---- Pseudonymiser ---------------------------------------------------------------------
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
            std::vector<std::uint64_t> out(texts.size());
            {
              py::gil_scoped_release release;
              for (std::size_t i = 0; i < texts.size(); ++i) out[i] = p(texts[i]);
            }
            return to_numpy(std::move(out));
          },
          py::arg("ids"), "Pseudonyms of a sequence of str ids as a uint64 array (hashed without the GIL).")
      .def("__repr__", [](const Pseudonymiser&) { return std::string("<Pseudonymiser (key hidden)>"); })
      .def_property_readonly_static("min_key_bytes", [](const py::object&) { return Pseudonymiser::min_key_bytes; });

  // ---- Registrations ---------------------------------------------------------------------
  m.attr("missing_day") = missing_day;

  py::class_<RegistrationColumns>(m, "RegistrationColumns", "Column names of a registrations CSV ('' = no such column).")
      .def(py::init<>())
      .def_readwrite("unit", &RegistrationColumns::unit)
      .def_readwrite("period", &RegistrationColumns::period)
      .def_readwrite("client", &RegistrationColumns::client)
      .def_readwrite("hours", &RegistrationColumns::hours)
      .def_readwrite("referral", &RegistrationColumns::referral)
      .def_readwrite("referrer_contact", &RegistrationColumns::referrer_contact)
      .def_readwrite("channel", &RegistrationColumns::channel)
      .def_readwrite("life_domain", &RegistrationColumns::life_domain)
      .def_readwrite("start_date", &RegistrationColumns::start_date)
      .def_readwrite("end_date", &RegistrationColumns::end_date);


  m.def(
      "read_registrations_csv",
      [](const std::filesystem::path& path, const Pseudonymiser& key, const RegistrationColumns& cols,
         const UnitRegistry* units) {
        RegistrationTable t;
        {
          py::gil_scoped_release release;
          DataContext ctx;
          ctx.units = units;
          t = read_registrations_csv(path, key, cols, ctx);
        }
        const std::size_t n = t.size();
        py::dict d;
        d["unit"] = to_numpy(std::move(t.unit));
        d["period"] = to_numpy(std::move(t.period));
        d["client"] = to_numpy(std::move(t.client));
        d["hours"] = column_or_none(std::move(t.hours), n);
        d["referral"] = column_or_none(std::move(t.referral), n);
        d["referrer_contact"] = column_or_none(std::move(t.referrer_contact), n);
        d["channel"] = column_or_none(std::move(t.channel), n);
        d["life_domain"] = column_or_none(std::move(t.life_domain), n);
        d["start_day"] = column_or_none(std::move(t.start_day), n);
        d["end_day"] = column_or_none(std::move(t.end_day), n);
        d["unit_names"] = t.unit_names;
        d["periods"] = periods_to_list(t.periods);
        d["channel_names"] = t.channel_names;
        d["life_domain_names"] = t.life_domain_names;
        d["source"] = t.source;
        return d;
      },
      py::arg("path"), py::arg("key"), py::arg("columns") = RegistrationColumns{}, py::arg("units") = nullptr,
      "Read a registrations CSV, pseudonymising clients; a dict of numpy columns (codes) and name lists.");

  m.def(
      "check_registrations_csv",
      [](const std::filesystem::path& path, const RegistrationColumns& cols, const UnitRegistry* units) {
        std::vector<Problem> problems;
        {
          py::gil_scoped_release release;
          DataContext ctx;
          ctx.units = units;
          problems = check_registrations_csv(path, cols, ctx);
        }
        return problems_to_list(problems);
      },
      py::arg("path"), py::arg("columns") = RegistrationColumns{}, py::arg("units") = nullptr,
      "Every problem of a registrations CSV, as a list of dicts (empty when valid).");

  m.def(
      "estimate_reach",
      [](const Array<std::int32_t>& unit, const Array<std::int32_t>& period, const Array<std::uint64_t>& client,
         const OptArray<double>& hours, const OptArray<std::int8_t>& referral,
         const OptArray<std::int8_t>& referrer_contact, const OptArray<std::int32_t>& channel,
         const OptArray<std::int32_t>& life_domain, const OptArray<std::int32_t>& start_day,
         const OptArray<std::int32_t>& end_day, std::vector<std::string> unit_names, const py::sequence& periods,
         std::vector<std::string> channel_names, std::vector<std::string> life_domain_names, std::string source,
         std::string prefix, std::string phone_channel, double rate_per, const UnitRegistry* units,
         double suppression_threshold) {
        RegistrationView v;
        v.source = std::move(source);
        v.unit = span_of(unit, "unit", v.source);
        v.period = span_of(period, "period", v.source);
        v.client = span_of(client, "client", v.source);
        v.hours = span_of(hours, "hours", v.source);
        v.referral = span_of(referral, "referral", v.source);
        v.referrer_contact = span_of(referrer_contact, "referrer_contact", v.source);
        v.channel = span_of(channel, "channel", v.source);
        v.life_domain = span_of(life_domain, "life_domain", v.source);
        v.start_day = span_of(start_day, "start_day", v.source);
        v.end_day = span_of(end_day, "end_day", v.source);
        Periods p = periods_of(periods, v.period, v.source);
        if (p.merged) v.period = p.remapped;
        v.periods = std::move(p.periods);
        v.unit_names = std::move(unit_names);
        v.channel_names = std::move(channel_names);
        v.life_domain_names = std::move(life_domain_names);
        ReachOptions o;
        o.prefix = std::move(prefix);
        o.phone_channel = std::move(phone_channel);
        o.rate_per = rate_per;
        py::gil_scoped_release release;  // the arrays above stay referenced by the arguments
        return estimate_reach(v, o, context_of(units, suppression_threshold));
      },
      py::arg("unit"), py::arg("period"), py::arg("client"), py::kw_only(), py::arg("hours") = py::none(),
      py::arg("referral") = py::none(), py::arg("referrer_contact") = py::none(), py::arg("channel") = py::none(),
      py::arg("life_domain") = py::none(), py::arg("start_day") = py::none(), py::arg("end_day") = py::none(),
      py::arg("unit_names"), py::arg("periods"), py::arg("channel_names") = std::vector<std::string>{},
      py::arg("life_domain_names") = std::vector<std::string>{}, py::arg("source") = "DataFrame",
      py::arg("prefix") = "reach.", py::arg("phone_channel") = "telefoon", py::arg("rate_per") = 1000.0,
      py::arg("units") = nullptr, py::arg("suppression_threshold") = default_suppression_threshold,
      "Reach estimates per (unit, period) from columns: int32 codes (-1 = not recorded), uint64 pseudonyms,\n"
      "float64 hours (NaN = not recorded), int8 flags (-1/0/1), int32 days since 1970-01-01 (missing_day).");

  // ---- Questionnaires --------------------------------------------------------------------
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

  py::class_<ResponseColumns>(m, "ResponseColumns", "Column names of an answers CSV (instrument '' = none).")
      .def(py::init<>())
      .def_readwrite("unit", &ResponseColumns::unit)
      .def_readwrite("period", &ResponseColumns::period)
      .def_readwrite("instrument", &ResponseColumns::instrument)
      .def_readwrite("respondent", &ResponseColumns::respondent)
      .def_readwrite("item", &ResponseColumns::item)
      .def_readwrite("value", &ResponseColumns::value);

  m.def(
      "read_responses_csv",
      [](const std::filesystem::path& path, const std::vector<Item>& items, const Pseudonymiser& key,
         const ResponseColumns& cols, const UnitRegistry* units) {
        ResponseTable t;
        {
          py::gil_scoped_release release;
          DataContext ctx;
          ctx.units = units;
          t = read_responses_csv(path, items, key, cols, ctx);
        }
        const std::size_t n = t.size();
        py::dict d;
        d["unit"] = to_numpy(std::move(t.unit));
        d["period"] = to_numpy(std::move(t.period));
        d["instrument"] = column_or_none(std::move(t.instrument), n);
        d["respondent"] = to_numpy(std::move(t.respondent));
        d["item"] = to_numpy(std::move(t.item));
        d["value"] = to_numpy(std::move(t.value));
        d["unit_names"] = t.unit_names;
        d["periods"] = periods_to_list(t.periods);
        d["instrument_names"] = t.instrument_names;
        d["items"] = t.items;
        d["source"] = t.source;
        return d;
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
          DataContext ctx;
          ctx.units = units;
          problems = check_responses_csv(path, items, cols, ctx);
        }
        return problems_to_list(problems);
      },
      py::arg("path"), py::arg("items"), py::arg("columns") = ResponseColumns{}, py::arg("units") = nullptr,
      "Every problem of an answers CSV, as a list of dicts.");

  // The view of answers given by column; `keep` holds a remapped period copy when needed.
  struct ResponseArgs {
    ResponseView view;
    std::vector<std::int32_t> keep;
  };
  const auto response_view = [](const Array<std::int32_t>& unit, const Array<std::int32_t>& period,
                                const Array<std::uint64_t>& respondent, const Array<std::int32_t>& item,
                                const Array<double>& value, const OptArray<std::int32_t>& instrument,
                                std::vector<std::string> unit_names, const py::sequence& periods,
                                std::vector<std::string> instrument_names, std::vector<Item> items,
                                std::string source) {
    ResponseArgs a;
    ResponseView& v = a.view;
    v.source = std::move(source);
    v.unit = span_of(unit, "unit", v.source);
    v.period = span_of(period, "period", v.source);
    v.respondent = span_of(respondent, "respondent", v.source);
    v.item = span_of(item, "item", v.source);
    v.value = span_of(value, "value", v.source);
    v.instrument = span_of(instrument, "instrument", v.source);
    Periods p = periods_of(periods, v.period, v.source);
    if (p.merged) a.keep = std::move(p.remapped);
    v.periods = std::move(p.periods);
    v.unit_names = std::move(unit_names);
    v.instrument_names = std::move(instrument_names);
    v.items = std::move(items);
    return a;
  };

  m.def(
      "check_responses",
      [response_view](const Array<std::int32_t>& unit, const Array<std::int32_t>& period,
                      const Array<std::uint64_t>& respondent, const Array<std::int32_t>& item, const Array<double>& value,
                      const OptArray<std::int32_t>& instrument, std::vector<std::string> unit_names,
                      const py::sequence& periods, std::vector<std::string> instrument_names, std::vector<Item> items,
                      std::string source) {
        ResponseArgs a = response_view(unit, period, respondent, item, value, instrument, std::move(unit_names), periods,
                                       std::move(instrument_names), std::move(items), std::move(source));
        if (!a.keep.empty()) a.view.period = a.keep;
        return problems_to_list(check_responses(a.view));
      },
      py::arg("unit"), py::arg("period"), py::arg("respondent"), py::arg("item"), py::arg("value"), py::kw_only(),
      py::arg("instrument") = py::none(), py::arg("unit_names"), py::arg("periods"),
      py::arg("instrument_names") = std::vector<std::string>{}, py::arg("items"), py::arg("source") = "DataFrame",
      "Every problem of answers given by column, as a list of dicts (rows 1-based).");

  m.def(
      "estimate_survey",
      [response_view](const Array<std::int32_t>& unit, const Array<std::int32_t>& period,
                      const Array<std::uint64_t>& respondent, const Array<std::int32_t>& item, const Array<double>& value,
                      const OptArray<std::int32_t>& instrument, std::vector<std::string> unit_names,
                      const py::sequence& periods, std::vector<std::string> instrument_names, std::vector<Item> items,
                      std::string source, double confidence, bool per_instrument, const UnitRegistry* units,
                      double suppression_threshold) {
        ResponseArgs a = response_view(unit, period, respondent, item, value, instrument, std::move(unit_names), periods,
                                       std::move(instrument_names), std::move(items), std::move(source));
        if (!a.keep.empty()) a.view.period = a.keep;
        SurveyOptions o;
        o.confidence = confidence;
        o.per_instrument = per_instrument;
        py::gil_scoped_release release;
        return estimate_survey(a.view, o, context_of(units, suppression_threshold));
      },
      py::arg("unit"), py::arg("period"), py::arg("respondent"), py::arg("item"), py::arg("value"), py::kw_only(),
      py::arg("instrument") = py::none(), py::arg("unit_names"), py::arg("periods"),
      py::arg("instrument_names") = std::vector<std::string>{}, py::arg("items"), py::arg("source") = "DataFrame",
      py::arg("confidence") = 0.95, py::arg("per_instrument") = false, py::arg("units") = nullptr,
      py::arg("suppression_threshold") = default_suppression_threshold,
      "Survey estimates per (unit, period) from columns: int32 codes, uint64 pseudonyms, item codes into\n"
      "`items`, float64 answers (NaN = no answer).");

  // ---- Pre/post --------------------------------------------------------------------------
  py::class_<PrePostColumns>(m, "PrePostColumns", "Column names of a pre/post CSV.")
      .def(py::init<>())
      .def_readwrite("unit", &PrePostColumns::unit)
      .def_readwrite("period", &PrePostColumns::period)
      .def_readwrite("client", &PrePostColumns::client)
      .def_readwrite("domain", &PrePostColumns::domain)
      .def_readwrite("pre", &PrePostColumns::pre)
      .def_readwrite("post", &PrePostColumns::post);

  const auto prepost_options = [](std::string prefix, int min_score, int max_score, std::optional<double> reliability,
                                  double confidence) {
    PrePostOptions o;
    o.prefix = std::move(prefix);
    o.min_score = min_score;
    o.max_score = max_score;
    o.reliability = reliability.value_or(std::numeric_limits<double>::quiet_NaN());
    o.confidence = confidence;
    return o;
  };

  m.def(
      "read_prepost_csv",
      [prepost_options](const std::filesystem::path& path, const Pseudonymiser& key, const PrePostColumns& cols,
                        int min_score, int max_score, const UnitRegistry* units) {
        PrePostTable t;
        {
          py::gil_scoped_release release;
          DataContext ctx;
          ctx.units = units;
          t = read_prepost_csv(path, key, cols, prepost_options("", min_score, max_score, std::nullopt, 0.95), ctx);
        }
        py::dict d;
        d["unit"] = to_numpy(std::move(t.unit));
        d["period"] = to_numpy(std::move(t.period));
        d["client"] = to_numpy(std::move(t.client));
        d["domain"] = to_numpy(std::move(t.domain));
        d["pre"] = to_numpy(std::move(t.pre));
        d["post"] = to_numpy(std::move(t.post));
        d["unit_names"] = t.unit_names;
        d["periods"] = periods_to_list(t.periods);
        d["domain_names"] = t.domain_names;
        d["source"] = t.source;
        return d;
      },
      py::arg("path"), py::arg("key"), py::arg("columns") = PrePostColumns{}, py::arg("min_score") = 1,
      py::arg("max_score") = 5, py::arg("units") = nullptr,
      "Read a pre/post CSV, pseudonymising clients; a dict of numpy columns and name lists.");

  m.def(
      "check_prepost_csv",
      [prepost_options](const std::filesystem::path& path, const PrePostColumns& cols, int min_score, int max_score,
                        const UnitRegistry* units) {
        std::vector<Problem> problems;
        {
          py::gil_scoped_release release;
          DataContext ctx;
          ctx.units = units;
          problems = check_prepost_csv(path, cols, prepost_options("", min_score, max_score, std::nullopt, 0.95), ctx);
        }
        return problems_to_list(problems);
      },
      py::arg("path"), py::arg("columns") = PrePostColumns{}, py::arg("min_score") = 1, py::arg("max_score") = 5,
      py::arg("units") = nullptr, "Every problem of a pre/post CSV, as a list of dicts.");

  struct PrePostArgs {
    PrePostView view;
    std::vector<std::int32_t> keep;
  };
  const auto prepost_view = [](const Array<std::int32_t>& unit, const Array<std::int32_t>& period,
                               const Array<std::uint64_t>& client, const Array<std::int32_t>& domain,
                               const Array<double>& pre, const Array<double>& post, std::vector<std::string> unit_names,
                               const py::sequence& periods, std::vector<std::string> domain_names, std::string source) {
    PrePostArgs a;
    PrePostView& v = a.view;
    v.source = std::move(source);
    v.unit = span_of(unit, "unit", v.source);
    v.period = span_of(period, "period", v.source);
    v.client = span_of(client, "client", v.source);
    v.domain = span_of(domain, "domain", v.source);
    v.pre = span_of(pre, "pre", v.source);
    v.post = span_of(post, "post", v.source);
    Periods p = periods_of(periods, v.period, v.source);
    if (p.merged) a.keep = std::move(p.remapped);
    v.periods = std::move(p.periods);
    v.unit_names = std::move(unit_names);
    v.domain_names = std::move(domain_names);
    return a;
  };

  m.def(
      "check_prepost",
      [prepost_view, prepost_options](const Array<std::int32_t>& unit, const Array<std::int32_t>& period,
                                      const Array<std::uint64_t>& client, const Array<std::int32_t>& domain,
                                      const Array<double>& pre, const Array<double>& post,
                                      std::vector<std::string> unit_names, const py::sequence& periods,
                                      std::vector<std::string> domain_names, std::string source, int min_score,
                                      int max_score, std::optional<double> reliability, double confidence) {
        PrePostArgs a = prepost_view(unit, period, client, domain, pre, post, std::move(unit_names), periods,
                                     std::move(domain_names), std::move(source));
        if (!a.keep.empty()) a.view.period = a.keep;
        return problems_to_list(check_prepost(a.view, prepost_options("", min_score, max_score, reliability, confidence)));
      },
      py::arg("unit"), py::arg("period"), py::arg("client"), py::arg("domain"), py::arg("pre"), py::arg("post"),
      py::kw_only(), py::arg("unit_names"), py::arg("periods"), py::arg("domain_names"),
      py::arg("source") = "DataFrame", py::arg("min_score") = 1, py::arg("max_score") = 5,
      py::arg("reliability") = py::none(), py::arg("confidence") = 0.95,
      "Every problem of pre/post scores given by column, as a list of dicts (rows 1-based).");

  m.def(
      "estimate_prepost",
      [prepost_view, prepost_options](const Array<std::int32_t>& unit, const Array<std::int32_t>& period,
                                      const Array<std::uint64_t>& client, const Array<std::int32_t>& domain,
                                      const Array<double>& pre, const Array<double>& post,
                                      std::vector<std::string> unit_names, const py::sequence& periods,
                                      std::vector<std::string> domain_names, std::string source, std::string prefix,
                                      int min_score, int max_score, std::optional<double> reliability,
                                      double confidence, const UnitRegistry* units, double suppression_threshold) {
        PrePostArgs a = prepost_view(unit, period, client, domain, pre, post, std::move(unit_names), periods,
                                     std::move(domain_names), std::move(source));
        if (!a.keep.empty()) a.view.period = a.keep;
        const PrePostOptions o = prepost_options(std::move(prefix), min_score, max_score, reliability, confidence);
        PrePostResult r;
        {
          py::gil_scoped_release release;
          r = estimate_prepost(a.view, o, context_of(units, suppression_threshold));
        }
        // Shift tables leave as dicts; a suppressed table's counts are blanked (None) like the
        // numbers of a suppressed estimate.
        py::list shifts;
        for (auto& s : r.shifts) {
          py::dict t;
          t["unit"] = s.unit;
          t["period"] = s.period.to_string();
          t["domain"] = s.domain;
          t["min"] = s.table.min;
          t["max"] = s.table.max;
          t["suppressed"] = s.suppressed;
          if (s.suppressed) {
            for (const char* k : {"n", "improved", "same", "worse", "counts"}) t[k] = py::none();
          } else {
            t["n"] = s.table.n;
            t["improved"] = s.table.improved;
            t["same"] = s.table.same;
            t["worse"] = s.table.worse;
            const auto rows = static_cast<py::ssize_t>(s.table.counts.rows());
            const auto cols = static_cast<py::ssize_t>(s.table.counts.cols());
            py::array_t<std::int64_t> counts({rows, cols});
            auto c = counts.mutable_unchecked<2>();
            for (py::ssize_t i = 0; i < rows; ++i)
              for (py::ssize_t j = 0; j < cols; ++j)
                c(i, j) = s.table.counts(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
            t["counts"] = counts;
          }
          shifts.append(t);
        }
        return py::make_tuple(py::cast(std::move(r.estimates)), shifts);
      },
      py::arg("unit"), py::arg("period"), py::arg("client"), py::arg("domain"), py::arg("pre"), py::arg("post"),
      py::kw_only(), py::arg("unit_names"), py::arg("periods"), py::arg("domain_names"),
      py::arg("source") = "DataFrame", py::arg("prefix") = "zrm.", py::arg("min_score") = 1, py::arg("max_score") = 5,
      py::arg("reliability") = py::none(), py::arg("confidence") = 0.95, py::arg("units") = nullptr,
      py::arg("suppression_threshold") = default_suppression_threshold,
      "Pre/post estimates per (unit, period) and the shift tables: (Dataset, list of dicts with unit, period,\n"
      "domain, min, max, n, improved, same, worse, counts (rows pre, columns post), suppressed).");
}

}  // namespace doelenboom::python
