// The estimators' readers on tables of cells (a data frame's columns): the same codes, values and
// messages as on the CSV file with the same cells; numbers read as numbers; the frame's rows,
// column names and period order.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "doelenboom/cell_table.hpp"
#include "doelenboom/prepost.hpp"
#include "doelenboom/pseudonym.hpp"
#include "doelenboom/questionnaire.hpp"
#include "doelenboom/registrations.hpp"
#include "temp_dir.hpp"

namespace db = doelenboom;

namespace {

const db::Pseudonymiser& key() {
  static const db::Pseudonymiser p("sleutel-van-de-gemeente-2026");
  return p;
}

constexpr double none = std::numeric_limits<double>::quiet_NaN();

// A text column: one code per row into `names` (-1 = empty); `codes` must outlive it.
db::CellColumn texts(std::string name, const std::vector<std::int64_t>& codes, std::vector<std::string_view> names) {
  db::CellColumn c;
  c.name = std::move(name);
  c.codes = codes;
  c.texts = std::move(names);
  return c;
}

db::CellColumn numbers(std::string name, const std::vector<double>& values) {
  db::CellColumn c;
  c.name = std::move(name);
  c.numeric = true;
  c.numbers = values;
  return c;
}

std::string message_of(const auto& read) {
  try {
    read();
  } catch (const db::DataError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a DataError";
  return {};
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(CellTable, RegistrationsEqualTheCsvReadersCodesAndValues) {
  const db::testing::TempDir dir("cells_registrations");
  const auto path = dir.write("r.csv",
                              "unit,period,client,hours,referral,channel,start_date,end_date\n"
                              "A,2024,c1,1.5,ja,telefoon,2024-01-02,2024-01-12\n"
                              "B,2023,c2,,nee,,2023-05-01,\n"
                              "A,2024,c1,2,,balie,,\n");
  const auto csv = db::read_registrations_csv(path, key());

  const std::vector<std::int64_t> unit{0, 1, 0}, period{0, 1, 0}, client{0, 1, 0}, referral{0, 1, -1},
      channel{0, -1, 1}, start{0, 1, -1}, end{0, -1, -1};
  const std::vector<double> hours{1.5, none, 2};
  db::CellTable t;
  t.rows = 3;
  t.columns = {texts("unit", unit, {"A", "B"}),
               texts("period", period, {"2024", "2023"}),
               texts("client", client, {"c1", "c2"}),
               numbers("hours", hours),
               texts("referral", referral, {"ja", "nee"}),
               texts("channel", channel, {"telefoon", "balie"}),
               texts("start_date", start, {"2024-01-02", "2023-05-01"}),
               texts("end_date", end, {"2024-01-12"})};
  const auto frame = db::read_registrations(t, key());

  EXPECT_EQ(frame.unit, csv.unit);
  EXPECT_EQ(frame.unit_names, csv.unit_names);
  EXPECT_EQ(frame.client, csv.client);
  EXPECT_EQ(frame.referral, csv.referral);
  EXPECT_EQ(frame.channel, csv.channel);
  EXPECT_EQ(frame.channel_names, csv.channel_names);
  EXPECT_EQ(frame.start_day, csv.start_day);
  EXPECT_EQ(frame.end_day, csv.end_day);
  ASSERT_EQ(frame.hours.size(), 3u);
  EXPECT_EQ(frame.hours[0], 1.5);
  EXPECT_TRUE(std::isnan(frame.hours[1]));
  // A file's periods are sorted in time, a frame's keep their order of first appearance.
  ASSERT_EQ(csv.periods.size(), 2u);
  EXPECT_EQ(csv.periods[0].to_string(), "2023");
  ASSERT_EQ(frame.periods.size(), 2u);
  EXPECT_EQ(frame.periods[0].to_string(), "2024");
  EXPECT_EQ(frame.period, (std::vector<std::int32_t>{0, 1, 0}));
  EXPECT_EQ(frame.source, "DataFrame");
}

TEST(CellTable, RegistrationProblemsNameTheFramesRowsAndColumns) {
  const std::vector<std::int64_t> unit{0, -1}, period{0, 1}, client{0, -1}, flag{0, 1}, end{0, -1};
  const std::vector<double> hours{-2, std::numeric_limits<double>::infinity()}, contact{1, 2};
  db::CellTable t;
  t.rows = 2;
  t.columns = {texts("gemeente", unit, {"A"}),
               texts("period", period, {"2024", "2024-13"}),
               texts("client", client, {"c1"}),
               numbers("uren", hours),
               texts("referral", flag, {"ja", "misschien"}),
               numbers("referrer_contact", contact),
               texts("start_date", flag, {"2024-01-01", "2024-13-01"}),
               texts("end_date", end, {"2023-12-31"})};
  db::RegistrationColumns cols;
  cols.unit = "gemeente";
  cols.hours = "uren";
  const std::string m = message_of([&] { (void)db::read_registrations(t, key(), cols); });
  for (const char* part : {"DataFrame, row 2, field 'gemeente': empty unit (expected a unit id)",
                           "DataFrame, row 2, field 'period': period '2024-13' (expected 2023, 2023-Q2 or 2023-05)",
                           "DataFrame, row 2, field 'client': empty client id (expected a client identifier)",
                           "DataFrame, row 1, field 'uren': hours -2 (expected a finite number >= 0)",
                           "DataFrame, row 2, field 'uren': hours inf (expected a finite number >= 0)",
                           "DataFrame, row 2, field 'referral': 'misschien' (expected ja/nee, yes/no, true/false, 1/0 or empty)",
                           "DataFrame, row 2, field 'referrer_contact': 2 (expected ja/nee, yes/no, true/false, 1/0 or empty)",
                           "DataFrame, row 2, field 'start_date': date '2024-13-01' (expected an ISO date YYYY-MM-DD)",
                           "DataFrame, row 1, field 'end_date': end date 2023-12-31 is before start date 2024-01-01 "
                           "(expected an end on or after the start)"})
    EXPECT_TRUE(contains(m, part)) << part << "\nin\n" << m;
  EXPECT_FALSE(contains(m, "line")) << m;
}

TEST(CellTable, TheTableItselfIsChecked) {
  const std::vector<std::int64_t> codes{0, 3}, short_codes{0};
  db::CellTable t;
  t.rows = 2;
  t.columns = {texts("unit", codes, {"A"}), texts("period", short_codes, {"2024"}), texts("unit", codes, {"A", "B"}),
               texts("opmerking", codes, {"x"})};
  const std::string m = message_of([&] { (void)db::read_registrations(t, key()); });
  EXPECT_TRUE(contains(m, "DataFrame, row 2, field 'unit': code 3 is out of range (expected -1 for an empty cell or 0..0)"))
      << m;
  EXPECT_TRUE(contains(m, "field 'period': column 'period' has 1 values (expected 2, one per row)")) << m;
  EXPECT_TRUE(contains(m, "field 'unit': column name 'unit' appears twice (columns 1 and 3)")) << m;

  db::CellTable ok;
  ok.rows = 2;
  const std::vector<std::int64_t> zero{0, 0};
  ok.columns = {texts("unit", zero, {"A"}), texts("period", zero, {"2024"}), texts("opmerking", zero, {"x"}),
                texts("start_date", zero, {"2024-01-01"})};
  const std::string m2 = message_of([&] { (void)db::read_registrations(ok, key()); });
  EXPECT_TRUE(contains(m2, "DataFrame, field 'opmerking': unknown column 'opmerking' (expected only: unit, period,"))
      << m2;
  EXPECT_TRUE(contains(m2, "DataFrame: missing required column 'client' (columns are: unit, period, opmerking, "
                           "start_date)"))
      << m2;
  ok.columns.push_back(texts("client", zero, {"c"}));
  const std::string m3 = message_of([&] { (void)db::read_registrations(ok, key()); });
  EXPECT_TRUE(contains(m3, "DataFrame, field 'end_date': the table has only one of the columns 'start_date' and "
                           "'end_date' (expected both or neither)"))
      << m3;
}

TEST(CellTable, AnswersReadNumbersAndWordsAndNameDuplicatesAsTheViewCheckDoes) {
  const std::vector<db::Item> items{{"q1", "", db::ItemType::likert5, "", false, {}},
                                    {"ok", "", db::ItemType::yes_no, "", false, {}}};
  const std::vector<std::int64_t> unit{0, 0, 0, 0, 0}, period{0, 0, 0, 0, 0}, respondent{0, 1, 0, 2, 3},
      item{0, 0, 0, 1, 2}, value{0, 1, 0, 2, 3};
  db::CellTable t;
  t.rows = 5;
  t.columns = {texts("unit", unit, {"A"}),
               texts("period", period, {"2023"}),
               texts("respondent", respondent, {"r1", "r2", "r3", "r4"}),
               texts("item", item, {"q1", "ok", "q9"}),
               texts("value", value, {"4", "3,5", " ja ", "1"})};
  const std::string m = message_of([&] { (void)db::read_responses(t, items, key()); });
  for (const char* part : {"row 2, field 'value': value '3,5' for likert5 item 'q1' is not a number", "use a decimal point",
                           "row 5, field 'item': unknown item 'q9' (expected an item id of the items file: q1, ok)",
                           "row 3, field 'respondent': row 3 repeats the answer of the same respondent to item 'q1' in "
                           "unit 'A', period 2023 given on row 1 (expected"})
    EXPECT_TRUE(contains(m, part)) << part << "\nin\n" << m;

  const std::vector<double> scores{4, 6, 1};
  const std::vector<std::int64_t> three{0, 0, 0}, r3{0, 1, 2}, i3{0, 0, 1};
  db::CellTable n;
  n.rows = 3;
  n.columns = {texts("unit", three, {"A"}), texts("period", three, {"2023"}), texts("respondent", r3, {"a", "b", "c"}),
               texts("item", i3, {"q1", "ok"}), numbers("value", scores)};
  const std::string m2 = message_of([&] { (void)db::read_responses(n, items, key()); });
  EXPECT_EQ(m2, "DataFrame, row 2, field 'value': value 6 for likert5 item 'q1' is outside 1..5 (expected a whole number "
                "1 (helemaal mee oneens) .. 5 (helemaal mee eens), or empty for no answer)");
  const std::vector<double> fine{4, 5, 1};
  n.columns[4] = numbers("value", fine);
  const auto table = db::read_responses(n, items, key());
  EXPECT_EQ(table.value, fine);
  EXPECT_EQ(table.respondent[0], key()("a"));
}

TEST(CellTable, PrePostScoresAndDuplicatesAsTheViewCheckNamesThem) {
  const std::vector<std::int64_t> unit{0, 0, 0}, period{0, 0, 0}, client{0, 1, 0}, domain{0, 0, 0}, post{0, 1, 0};
  const std::vector<double> pre{6, 2.5, 3};
  db::CellTable t;
  t.rows = 3;
  t.columns = {texts("unit", unit, {"A"}),           texts("period", period, {"2023"}),
               texts("client", client, {"c1", "c2"}), texts("domain", domain, {"financien"}),
               numbers("pre", pre),                  texts("post", post, {"3", "abc"})};
  db::PrePostOptions o;
  o.confidence = 2;
  const std::string m = message_of([&] { (void)db::read_prepost(t, key(), {}, o); });
  for (const char* part : {"DataFrame: confidence 2 is not valid",
                           "row 1, field 'pre': score 6 is outside 1..5 (expected a whole number from 1 to 5",
                           "row 2, field 'pre': score 2.5 is not a whole number",
                           "row 2, field 'post': score 'abc' is not a number",
                           "row 3, field 'client': row 3 repeats domain 'financien' of the same client in unit 'A', "
                           "period 2023 given on row 1 (expected one row per client, domain, unit and period)"})
    EXPECT_TRUE(contains(m, part)) << part << "\nin\n" << m;
  EXPECT_FALSE(contains(m, "c1")) << m;
}

TEST(CellTable, PseudonymsOfAnIdColumn) {
  const std::vector<double> ids{123, 123.5, none};
  db::CellTable t;
  t.source = "ids";
  t.rows = 3;
  t.columns = {numbers("id", ids)};
  EXPECT_EQ(message_of([&] { (void)db::pseudonymise_column(t, key()); }),
            "ids, row 3, field 'id': empty id (expected an identifier)");
  t.rows = 2;
  const std::vector<double> two{123, 123.5};
  t.columns = {numbers("id", two)};
  EXPECT_EQ(db::pseudonymise_column(t, key()), (std::vector<std::uint64_t>{key()("123"), key()("123.5")}));
}
