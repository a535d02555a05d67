// Fuzz target: the CSV data readers. The first byte picks the reader ((byte - '0') mod 6, so a
// seed starts with a digit); the rest is the file:
//   0 Dataset::read_csv and check_csv, without and with a context (indicators and units)
//   1 read_registrations_csv / check_registrations_csv, then estimate_reach
//   2 read_responses_csv / check_responses_csv, then estimate_survey
//   3 read_prepost_csv / check_prepost_csv, then estimate_prepost
//   4 UnitRegistry::load_csv
//   5 UnitRegistry::load_gemeenten_csv
// Properties: a reader refuses bad input only with a doelenboom::Error; the check_ function never
// throws and finds a problem exactly when the reader refuses; a data set that reads writes a CSV
// that reads back to the same records.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "doelenboom/dataset.hpp"
#include "doelenboom/prepost.hpp"
#include "doelenboom/pseudonym.hpp"
#include "doelenboom/questionnaire.hpp"
#include "doelenboom/registrations.hpp"
#include "doelenboom/unit.hpp"
#include "fuzz_input.hpp"

namespace db = doelenboom;

namespace {

const db::Pseudonymiser& key() {
  static const db::Pseudonymiser p("a fuzzing key of at least sixteen bytes");
  return p;
}

const db::IndicatorSet& indicators() {
  static const db::IndicatorSet set = db::IndicatorSet::parse_yaml(R"(doelenboom_indicators: 1
indicators:
  - {id: clienten, label: Clienten, pillar: bereik, result: output, measure: count}
  - {id: p_tevreden, label: Tevreden, pillar: tevredenheid, result: outcome, measure: proportion}
  - {id: cijfer, label: Cijfer, pillar: tevredenheid, result: outcome, measure: mean, scale: rapportcijfer}
  - {id: zrm, label: ZRM, pillar: doelrealisatie, result: outcome, measure: ordinal_change, scale: zrm}
)",
                                                                   "indicators.yaml");
  return set;
}

const db::UnitRegistry& units() {
  static const db::UnitRegistry reg = db::UnitRegistry::load_csv(db::fuzz::scratch_file(
      "id,name,type,parent,cbs_code,province,population\n"
      "GM0001,Een,gemeente,,GM0001,Utrecht,12000\n"
      "GM0002,Twee,gemeente,,GM0002,Utrecht,50000\n"
      "W1,Wijk een,wijk,GM0001,,,3000\n",
      "units.csv"));
  return reg;
}

const std::vector<db::Item>& items() {
  static const std::vector<db::Item> list = db::parse_items_yaml(R"(doelenboom_items: 1
items:
  - {id: q1, label: Geholpen, type: likert5}
  - {id: s1, label: Zelf verder, type: likert5, scale: regie}
  - {id: s2, label: Keuzes, type: likert5, scale: regie, reversed: true}
  - {id: bekend, label: Bekend, type: yes_no}
  - {id: cijfer, label: Cijfer, type: grade}
)",
                                                                 "items.yaml");
  return list;
}

// The reader's verdict must agree with the check function's.
void agree(bool read_ok, const std::vector<db::Problem>& problems, const char* reader) {
  if (read_ok != problems.empty()) {
    std::fprintf(stderr, "%s: the reader %s but the check found %zu problems\n", reader,
                 read_ok ? "accepted the file" : "refused the file", problems.size());
    if (!problems.empty()) std::fprintf(stderr, "first: %s\n", problems.front().message.c_str());
    db::fuzz::property_failed("reader and check disagree");
  }
}

void dataset(const std::filesystem::path& path) {
  for (const bool with_context : {false, true}) {
    db::DataContext context;
    if (with_context) {
      context.indicators = &indicators();
      context.units = &units();
    }
    bool ok = true;
    db::Dataset data;
    try {
      data = db::Dataset::read_csv(path, context);
    } catch (const db::Error&) {
      ok = false;
    }
    agree(ok, db::Dataset::check_csv(path, context), "Dataset::read_csv");
    if (!ok) continue;
    const auto written = path.parent_path() / "written.csv";
    data.write_csv(written);
    const db::Dataset again = db::Dataset::read_csv(written, context);
    if (again.export_records() != data.export_records()) db::fuzz::property_failed("write_csv does not read back");
  }
}

void registrations(const std::filesystem::path& path) {
  bool ok = true;
  db::RegistrationTable table;
  try {
    table = db::read_registrations_csv(path, key(), {}, {});
  } catch (const db::Error&) {
    ok = false;
  }
  agree(ok, db::check_registrations_csv(path), "read_registrations_csv");
  if (!ok) return;
  try {
    db::DataContext context;
    context.units = &units();
    (void)db::estimate_reach(table.view(), {}, context);
  } catch (const db::Error&) {
  }
}

void responses(const std::filesystem::path& path) {
  bool ok = true;
  db::ResponseTable table;
  try {
    table = db::read_responses_csv(path, items(), key());
  } catch (const db::Error&) {
    ok = false;
  }
  agree(ok, db::check_responses_csv(path, items()), "read_responses_csv");
  if (!ok) return;
  try {
    db::SurveyOptions options;
    options.per_instrument = true;
    (void)db::estimate_survey(table.view(), options);
  } catch (const db::Error&) {
  }
}

void prepost(const std::filesystem::path& path) {
  bool ok = true;
  db::PrePostTable table;
  try {
    table = db::read_prepost_csv(path, key());
  } catch (const db::Error&) {
    ok = false;
  }
  agree(ok, db::check_prepost_csv(path), "read_prepost_csv");
  if (!ok) return;
  try {
    (void)db::estimate_prepost(table.view());
  } catch (const db::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned pick = (data[0] + 256U - '0') % 6U;
  const auto path = db::fuzz::scratch_file(db::fuzz::as_text(data + 1, size - 1), "data.csv");
  switch (pick) {
    case 0: dataset(path); break;
    case 1: registrations(path); break;
    case 2: responses(path); break;
    case 3: prepost(path); break;
    case 4:
      try {
        (void)db::UnitRegistry::load_csv(path);
      } catch (const db::Error&) {
      }
      break;
    default:
      try {
        (void)db::UnitRegistry::load_gemeenten_csv(path);
      } catch (const db::Error&) {
      }
      break;
  }
  return 0;
}
