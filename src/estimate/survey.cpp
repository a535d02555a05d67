// SurveyPartial: answers (src/estimate/questionnaire.cpp) as a mergeable partial, and the survey
// estimator itself: estimate_survey(view) finalises the partial of the view, so the single-machine
// and the merged results are one computation (docs/dask.md). Item means and variances come from
// the counts of each distinct answer through exact sums, so they do not depend on the row order.

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include <Eigen/Core>

#include "doelenboom/partial.hpp"
#include "doelenboom/stats.hpp"
#include "estimate/estimate_records.hpp"
#include "estimate/estimates_common.hpp"
#include "estimate/partial_internal.hpp"

namespace doelenboom {

namespace {

constexpr std::string_view survey_magic = "doelenboom.SurveyPartial/1\n";
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::string left_out(std::uint64_t missing, const char* what) {
  if (missing == 0) return {};
  return "; " + std::to_string(missing) + " " + what + " left out";
}

// The fields of a partial, an item (but its type) and a response in their binary order (to_bytes
// and from_bytes).
template <class P>
auto dictionary_fields(P& p) {
  return std::tie(p.units, p.periods, p.instruments);
}
template <class I>
auto text_fields(I& i) {
  return std::tie(i.id, i.label);
}
template <class R>
auto response_fields(R& r) {
  return std::tie(r.key, r.respondent, r.position);
}

bool same_items(const std::vector<Item>& a, const std::vector<Item>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Item& x, const Item& y) {
    return x.id == y.id && x.label == y.label && x.type == y.type && x.scale == y.scale && x.reversed == y.reversed;
  });
}

// Scale item codes by scale name, then item order.
std::vector<std::uint32_t> scale_items_of(const std::vector<Item>& items) {
  std::map<std::string, std::vector<std::uint32_t>> scales;
  for (std::size_t i = 0; i < items.size(); ++i)
    if (!items[i].scale.empty()) scales[items[i].scale].push_back(static_cast<std::uint32_t>(i));
  std::vector<std::uint32_t> out;
  for (const auto& [name, members] : scales) out.insert(out.end(), members.begin(), members.end());
  return out;
}

void add_counts(std::vector<std::pair<double, std::uint64_t>>& into, const std::vector<std::pair<double, std::uint64_t>>& from) {
  for (const auto& [v, c] : from) {
    auto it = std::lower_bound(into.begin(), into.end(), v, [](const auto& e, double x) { return e.first < x; });
    if (it != into.end() && it->first == v) it->second += c;
    else into.insert(it, {v, c});
  }
}

// A scale: its items (a run [first, end) of the partial's scale items) and how they are scored,
// the reversed items as flip - x.
struct ScaleScoring {
  std::string name;
  std::size_t first = 0, end = 0;
  double flip = 0.0;
  std::string reversed;  ///< ids of the reversed items, "" when none
  std::string scoring;   ///< for the method text
  [[nodiscard]] std::size_t size() const noexcept { return end - first; }
};

std::vector<ScaleScoring> scales_of(const SurveyPartial& p) {
  std::vector<ScaleScoring> out;
  const std::size_t k_all = p.scale_items.size();
  for (std::size_t first = 0; first < k_all;) {
    ScaleScoring s;
    s.name = p.items[p.scale_items[first]].scale;
    std::size_t end = first + 1;
    while (end < k_all && p.items[p.scale_items[end]].scale == s.name) ++end;
    s.first = first;
    s.end = end;
    const Item& head = p.items[p.scale_items[first]];
    s.flip = head.min() + head.max();
    for (std::size_t j = first; j < end; ++j)
      if (p.items[p.scale_items[j]].reversed) s.reversed += (s.reversed.empty() ? "" : ", ") + p.items[p.scale_items[j]].id;
    s.scoring = "mean of the " + std::to_string(s.size()) + " items" +
                (s.reversed.empty() ? std::string()
                                    : " (reversed, scored " + detail::format_double(s.flip) + " - x: " + s.reversed + ")");
    out.push_back(std::move(s));
    first = end;
  }
  return out;
}

// The responses in order of their first row.
std::vector<std::size_t> responses_by_position(const SurveyPartial& p) {
  std::vector<std::size_t> order(p.responses.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p.responses[a].position < p.responses[b].position; });
  return order;
}

// The estimates of one partial (estimate_survey), per pass: pass 0 over all instruments, pass 1
// (per_instrument, with an instrument column) per instrument, with "@<instrument>" in the ids.
class SurveyEstimator {
 public:
  SurveyEstimator(const SurveyPartial& p, const SurveyOptions& options)
      : p_(p),
        conf_(options.confidence),
        pct_(detail::percent_text(options.confidence)),
        per_instrument_(options.per_instrument && p.has_instrument),
        ni_(p.instruments.names.size()),
        groups_(p.units.names.size() * p.periods.names.size()) {}

  [[nodiscard]] int passes() const noexcept { return per_instrument_ ? 2 : 1; }
  std::vector<detail::PendingRecord>& pending() noexcept { return pending_; }

  // Items: from the counts of each distinct answer. The mean is the exact sum over the answers
  // rounded once, divided by n; the squared deviations from it are summed exactly too, so neither
  // depends on the order of the rows.
  void items(int pass) {
    const bool by_instrument = pass == 1;
    for (std::size_t g = 0; g < groups_; ++g) {
      for (std::size_t instrument = 0; instrument < (by_instrument ? ni_ : 1); ++instrument) {
        for (std::size_t item_code = 0; item_code < p_.items.size(); ++item_code) {
          item(g, pass, instrument, item_code);
        }
      }
    }
  }

  // Scales: the complete responses of each (group, instrument?) in order of their first row: the
  // mean scale score and Cronbach's alpha.
  void scale(const ScaleScoring& scale, const std::vector<std::size_t>& by_position, int pass) {
    const bool by_instrument = pass == 1;
    const std::size_t ninst = by_instrument ? ni_ : 1;
    const std::size_t k = scale.size();
    std::vector<std::uint64_t> key;
    std::vector<std::size_t> complete;
    std::vector<std::size_t> incomplete(groups_ * ninst, 0);
    for (const std::size_t s : by_position) {
      const std::uint64_t gi = p_.responses[s].key;
      const std::uint64_t kk = (gi / ni_) * ninst + (by_instrument ? gi % ni_ : 0);
      std::size_t answered = 0;
      for (std::size_t j = 0; j < k; ++j) answered += std::isnan(answer(scale, s, j)) ? 0U : 1U;
      if (answered == k) {
        key.push_back(kk);
        complete.push_back(s);
      } else if (answered > 0) {
        ++incomplete[static_cast<std::size_t>(kk)];
      }
    }
    const detail::Grouping grouping = detail::group_by(key, static_cast<std::uint64_t>(groups_) * ninst);
    for (std::size_t c = 0; c < grouping.groups(); ++c) {
      const std::uint64_t kk = grouping.keys[c];
      const std::size_t m = grouping.offsets[c + 1] - grouping.offsets[c];
      Eigen::MatrixXd matrix(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(k));
      std::vector<double> values(m, 0.0);
      for (std::size_t i = 0; i < m; ++i) {
        const std::size_t s = complete[grouping.order[grouping.offsets[c] + i]];
        double sum = 0.0;
        for (std::size_t j = 0; j < k; ++j) {
          matrix(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = answer(scale, s, j);
          sum += answer(scale, s, j);
        }
        values[i] = sum / static_cast<double>(k);
      }
      scale_estimates(scale, static_cast<std::size_t>(kk / ninst), pass, static_cast<std::size_t>(kk % ninst), matrix, values,
                      left_out(incomplete[static_cast<std::size_t>(kk)], "incomplete respondents"));
    }
  }

 private:
  const SurveyPartial& p_;
  double conf_;
  std::string pct_;
  bool per_instrument_;
  std::size_t ni_, groups_;
  std::vector<detail::PendingRecord> pending_;

  [[nodiscard]] EstimateRecord record(std::size_t g, std::string id) const {
    return detail::group_record(p_.units, p_.periods, g, std::move(id), p_.source);
  }
  [[nodiscard]] std::string qualify(const std::string& id, int pass, std::size_t instrument) const {
    return pass == 1 ? id + "@" + p_.instruments.names[instrument] : id;
  }
  // Answer j of scale item run `scale` in response s, reversed items flipped.
  [[nodiscard]] double answer(const ScaleScoring& scale, std::size_t s, std::size_t j) const {
    const double v = p_.answers[s * p_.scale_items.size() + scale.first + j];
    return p_.items[p_.scale_items[scale.first + j]].reversed ? scale.flip - v : v;
  }

  void item(std::size_t g, int pass, std::size_t instrument, std::size_t item_code) {
    const std::size_t nit = p_.items.size();
    SurveyPartial::Cell cell;
    for (std::size_t i = 0; i < ni_; ++i) {
      if (pass == 1 && i != instrument) continue;
      const SurveyPartial::Cell& c = p_.cells[(g * ni_ + i) * nit + item_code];
      cell.missing += c.missing;
      add_counts(cell.counts, c.counts);
    }
    const Item& item = p_.items[item_code];
    std::uint64_t count = 0, positive = 0;
    ExactSum sum;
    for (const auto& [v, c] : cell.counts) {
      count += c;
      if (item.type == ItemType::likert5 ? v >= 4.0 : v == 1.0) positive += c;
      sum.add_times(v, c);
    }
    if (count == 0) return;  // nobody answered: no estimate (not even a share of 0 of 0)
    const double mean = sum.value() / static_cast<double>(count);
    ExactSum squares;
    for (const auto& [v, c] : cell.counts) squares.add_times((v - mean) * (v - mean), c);
    const auto answers = static_cast<double>(count);
    const std::string base = qualify(item.id, pass, instrument);
    const std::string gaps = left_out(cell.missing, "empty answers");
    if (item.type == ItemType::likert5 || item.type == ItemType::yes_no) {
      EstimateRecord e = record(g, base + (item.type == ItemType::likert5 ? ".agree" : ".yes"));
      detail::set_wilson(e, stats::wilson(static_cast<double>(positive), answers, conf_));
      e.method = (item.type == ItemType::likert5 ? "share of answers 4 or 5 (mee eens, helemaal mee eens), Wilson "
                                                 : "share of answers ja, Wilson ") +
                 pct_ + gaps;
      pending_.push_back({g, pass, std::move(e)});
    }
    if (item.type == ItemType::likert5 || item.type == ItemType::grade) {
      EstimateRecord e = record(g, base + ".mean");
      detail::set_mean(e, stats::mean_interval_from_moments(static_cast<std::size_t>(count), mean, squares.value(), conf_));
      e.n = answers;
      e.method = std::string(item.type == ItemType::likert5 ? "mean answer (1..5)" : "mean grade (1..10)") +
                 ", t interval " + pct_ + gaps;
      pending_.push_back({g, pass, std::move(e)});
    }
  }

  // The mean scale score of the complete responses of a group (one row of `matrix` and one value
  // each) and, where defined, Cronbach's alpha.
  void scale_estimates(const ScaleScoring& scale, std::size_t g, int pass, std::size_t instrument, const Eigen::MatrixXd& matrix,
                       const std::vector<double>& values, const std::string& gaps) {
    const auto m = static_cast<double>(values.size());
    const std::string base = qualify(scale.name, pass, instrument);
    EstimateRecord e = record(g, base + ".mean");
    detail::set_mean(e, stats::mean_interval(values, conf_));
    e.n = m;
    e.method = "mean scale score (" + scale.scoring + ") of respondents who answered all items, t interval " + pct_ + gaps;
    pending_.push_back({g, pass, std::move(e)});
    // Alpha needs two respondents and a total score that varies; otherwise it is undefined.
    const Eigen::VectorXd totals = matrix.rowwise().sum();
    if (values.size() >= 2 && (totals.array() != totals(0)).any()) {
      EstimateRecord a = record(g, base + ".alpha");
      a.value = stats::cronbach_alpha(matrix);
      a.n = m;
      a.method = "Cronbach's alpha of the " + std::to_string(scale.size()) + " items over respondents who answered all" +
                 (scale.reversed.empty() ? std::string() : " (reversed: " + scale.reversed + ")") + ", no interval" + gaps;
      pending_.push_back({g, pass, std::move(a)});
    }
  }
};

}  // namespace

namespace detail {

SurveyPartial survey_partial_unchecked(const ResponseView& d, std::uint64_t position) {
  SurveyPartial p;
  const std::size_t n = d.unit.size(), np = d.periods.size(), nit = d.items.size();
  p.source = d.source;
  p.rows = n;
  p.has_instrument = !d.instrument.empty() && !d.instrument_names.empty();
  p.items = d.items;
  p.units = dictionary_of(d.unit_names, position);
  p.periods = dictionary_of(d.periods, position);
  p.instruments = p.has_instrument ? dictionary_of(d.instrument_names, position)
                                   : dictionary_of(std::vector<std::string>{std::string()}, position);
  const std::size_t ni = p.instruments.names.size();
  p.cells.resize(d.unit_names.size() * np * ni * nit);
  p.scale_items = scale_items_of(d.items);
  const std::size_t k = p.scale_items.size();
  std::vector<std::size_t> column(nit, SIZE_MAX);
  for (std::size_t j = 0; j < k; ++j) column[p.scale_items[j]] = j;

  PairIndex responses(n / 4 + 16);
  for (std::size_t r = 0; r < n; ++r) {
    const auto item = static_cast<std::size_t>(d.item[r]);
    const std::size_t inst = p.has_instrument ? static_cast<std::size_t>(d.instrument[r]) : 0;
    const std::size_t key = (static_cast<std::size_t>(d.unit[r]) * np + static_cast<std::size_t>(d.period[r])) * ni + inst;
    SurveyPartial::Cell& cell = p.cells[key * nit + item];
    const double v = d.value[r];
    if (std::isnan(v)) {
      ++cell.missing;
    } else {
      auto it = std::lower_bound(cell.counts.begin(), cell.counts.end(), v, [](const auto& e, double x) { return e.first < x; });
      if (it != cell.counts.end() && it->first == v) ++it->second;
      else cell.counts.insert(it, {v, 1});
    }
    if (column[item] == SIZE_MAX) continue;
    bool fresh = false;
    const std::uint32_t s = responses.slot(key, d.respondent[r], fresh);
    if (fresh) {
      p.responses.push_back({key, d.respondent[r], position + r});
      p.answers.resize(p.answers.size() + k, nan);
    }
    p.answers[static_cast<std::size_t>(s) * k + column[item]] = v;
  }
  // Sort the responses, their answers with them.
  std::vector<std::size_t> order(p.responses.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto less = [&](std::size_t a, std::size_t b) {
    return std::tie(p.responses[a].key, p.responses[a].respondent) < std::tie(p.responses[b].key, p.responses[b].respondent);
  };
  std::sort(order.begin(), order.end(), less);
  std::vector<SurveyPartial::Response> responses_sorted(order.size());
  std::vector<double> answers_sorted(p.answers.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    responses_sorted[i] = p.responses[order[i]];
    std::copy_n(p.answers.begin() + static_cast<std::ptrdiff_t>(order[i] * k), k, answers_sorted.begin() + static_cast<std::ptrdiff_t>(i * k));
  }
  p.responses = std::move(responses_sorted);
  p.answers = std::move(answers_sorted);
  return p;
}

}  // namespace detail

bool operator==(const SurveyPartial& a, const SurveyPartial& b) {
  const bool answers = a.answers.size() == b.answers.size() &&
                       std::equal(a.answers.begin(), a.answers.end(), b.answers.begin(),
                                  [](double u, double v) { return u == v || (std::isnan(u) && std::isnan(v)); });
  return a.source == b.source && a.rows == b.rows && a.has_instrument == b.has_instrument && same_items(a.items, b.items) &&
         a.units == b.units && a.periods == b.periods && a.instruments == b.instruments && a.cells == b.cells &&
         a.scale_items == b.scale_items && a.responses == b.responses && answers;
}

SurveyPartial SurveyPartial::from_view(const ResponseView& data, std::uint64_t position) {
  throw_if_problems<DataError>(check_responses(data));
  return detail::survey_partial_unchecked(data, position);
}

SurveyPartial SurveyPartial::merge(const SurveyPartial& a, const SurveyPartial& b) {
  SurveyPartial out;
  out.source = detail::merged_source(a.source, a.rows, b.source, b.rows, "survey");
  out.rows = a.rows + b.rows;
  if (!same_items(a.items, b.items)) {
    throw DataError("cannot merge survey partials with different item definitions (source " + detail::squote(out.source) +
                    "; expected the same items, in the same order, for every partition)");
  }
  if (a.rows > 0 && b.rows > 0 && a.has_instrument != b.has_instrument) {
    throw DataError("cannot merge survey partials with and without an instrument column (source " + detail::squote(out.source) +
                    "; expected the same columns in every partition)");
  }
  out.has_instrument = a.rows > 0 ? a.has_instrument : b.has_instrument;
  out.items = a.items;
  out.scale_items = a.scale_items;
  const auto units = detail::unite(a.units, b.units);
  const auto periods = detail::unite(a.periods, b.periods);
  const auto instruments = detail::unite(a.instruments, b.instruments);
  out.units = units.merged;
  out.periods = periods.merged;
  out.instruments = instruments.merged;
  const std::size_t np = out.periods.names.size(), ni = out.instruments.names.size(), nit = out.items.size();
  const std::size_t k = out.scale_items.size();
  out.cells.resize(out.units.names.size() * np * ni * nit);
  struct Entry {
    Response response;
    const SurveyPartial* from;
    std::size_t index;
  };
  std::vector<Entry> all;
  all.reserve(a.responses.size() + b.responses.size());
  const auto add = [&](const SurveyPartial& x, const auto& u, const auto& per, const auto& inst) {
    const std::size_t xnp = x.periods.names.size(), xni = x.instruments.names.size();
    const auto key_of = [&](std::uint64_t key) {
      const auto i = static_cast<std::size_t>(key % xni), g = static_cast<std::size_t>(key / xni);
      return (static_cast<std::uint64_t>(u.at(g / xnp)) * np + per.at(g % xnp)) * ni + inst.at(i);
    };
    for (std::size_t c = 0; c < x.cells.size(); ++c) {
      const SurveyPartial::Cell& src = x.cells[c];
      if (src.missing == 0 && src.counts.empty()) continue;
      SurveyPartial::Cell& dst = out.cells[static_cast<std::size_t>(key_of(c / nit)) * nit + c % nit];
      dst.missing += src.missing;
      add_counts(dst.counts, src.counts);
    }
    for (std::size_t i = 0; i < x.responses.size(); ++i) {
      Response r = x.responses[i];
      r.key = key_of(r.key);
      all.push_back({r, &x, i});
    }
  };
  add(a, units.from_a, periods.from_a, instruments.from_a);
  add(b, units.from_b, periods.from_b, instruments.from_b);
  std::sort(all.begin(), all.end(), [](const Entry& x, const Entry& y) {
    return std::tie(x.response.key, x.response.respondent) < std::tie(y.response.key, y.response.respondent);
  });
  for (const Entry& e : all) {
    const bool same = !out.responses.empty() && out.responses.back().key == e.response.key &&
                      out.responses.back().respondent == e.response.respondent;
    if (!same) {
      out.responses.push_back(e.response);
      out.answers.resize(out.answers.size() + k, nan);
    } else {
      out.responses.back().position = std::min(out.responses.back().position, e.response.position);
    }
    const std::size_t base = (out.responses.size() - 1) * k;
    for (std::size_t j = 0; j < k; ++j) {
      const double v = e.from->answers[e.index * k + j];
      if (std::isnan(v)) continue;
      if (!std::isnan(out.answers[base + j])) {
        const auto g = static_cast<std::size_t>(e.response.key / ni);
        throw DataError("cannot merge survey partials of source " + detail::squote(out.source) + ": respondent " +
                        std::to_string(e.response.respondent) + " answered item " + detail::squote(out.items[out.scale_items[j]].id) +
                        " in two partitions (unit " + detail::squote(out.units.names[g / np]) + ", period " +
                        out.periods.names[g % np].to_string() + "; expected one answer per respondent and item)");
      }
      out.answers[base + j] = v;
    }
  }
  return out;
}

std::string SurveyPartial::to_bytes() const {
  detail::ByteWriter w(survey_magic);
  w.put_fields(std::tie(source, rows, has_instrument));
  w.put(static_cast<std::uint64_t>(items.size()));
  for (const Item& i : items) {
    w.put_fields(text_fields(i));
    w.put(static_cast<std::uint8_t>(i.type));
    w.put_fields(std::tie(i.scale, i.reversed));
  }
  w.put_fields(dictionary_fields(*this));
  w.put(static_cast<std::uint64_t>(cells.size()));
  for (const Cell& c : cells) {
    w.put(c.missing);
    w.put(static_cast<std::uint64_t>(c.counts.size()));
    for (const auto& [v, count] : c.counts) w.put_fields(std::tie(v, count));
  }
  w.put(scale_items);
  w.put(static_cast<std::uint64_t>(responses.size()));
  for (const Response& r : responses) w.put_fields(response_fields(r));
  w.put(answers);
  return w.take();
}

SurveyPartial SurveyPartial::from_bytes(std::string_view bytes) {
  detail::ByteReader r(bytes, survey_magic, "SurveyPartial");
  SurveyPartial p;
  r.get_fields(std::tie(p.source, p.rows, p.has_instrument));
  std::uint64_t count = 0;
  r.get(count);
  if (count > bytes.size()) r.fail();
  p.items.resize(static_cast<std::size_t>(count));
  for (Item& i : p.items) {
    std::uint8_t type = 0;
    r.get_fields(text_fields(i));
    r.get(type);
    if (type > 2) r.fail();
    i.type = static_cast<ItemType>(type);
    r.get_fields(std::tie(i.scale, i.reversed));
  }
  r.get_fields(dictionary_fields(p));
  r.get(count);
  if (count != p.units.names.size() * p.periods.names.size() * p.instruments.names.size() * p.items.size()) r.fail();
  p.cells.resize(static_cast<std::size_t>(count));
  for (Cell& c : p.cells) {
    r.get(c.missing);
    std::uint64_t m = 0;
    r.get(m);
    if (m > bytes.size()) r.fail();
    c.counts.resize(static_cast<std::size_t>(m));
    for (auto& [v, k] : c.counts) r.get_fields(std::tie(v, k));
  }
  r.get(p.scale_items);
  for (const auto i : p.scale_items)
    if (i >= p.items.size()) r.fail();
  r.get(count);
  if (count > bytes.size()) r.fail();
  p.responses.resize(static_cast<std::size_t>(count));
  for (Response& x : p.responses) r.get_fields(response_fields(x));
  r.get(p.answers);
  if (p.answers.size() != p.responses.size() * p.scale_items.size()) r.fail();
  r.finish();
  return p;
}

Dataset estimate_survey(const SurveyPartial& p, const SurveyOptions& options, const DataContext& context) {
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    throw DataError("confidence " + detail::format_double(options.confidence) +
                    " is not valid (expected a level between 0 and 1, e.g. 0.95)");
  }
  SurveyEstimator estimator(p, options);
  for (int pass = 0; pass < estimator.passes(); ++pass) estimator.items(pass);
  const std::vector<std::size_t> by_position = responses_by_position(p);
  for (const ScaleScoring& scale : scales_of(p)) {
    for (int pass = 0; pass < estimator.passes(); ++pass) estimator.scale(scale, by_position, pass);
  }
  return detail::estimates_dataset(estimator.pending(), context);
}

}  // namespace doelenboom
