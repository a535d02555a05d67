// Periods: parsing (accepted and rejected texts), canonical text, ordinals, ordering and next().

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "doelenboom/period.hpp"

namespace db = doelenboom;

namespace {

db::Period p(const char* text) {
  const auto parsed = db::Period::parse(text);
  if (!parsed) ADD_FAILURE() << "cannot parse " << text;
  return parsed.value_or(db::Period{});
}

TEST(Period, ParsesYearsQuartersAndMonths) {
  EXPECT_EQ(p("2023"), (db::Period{db::Frequency::year, 2023, 0}));
  EXPECT_EQ(p("2023-Q2"), (db::Period{db::Frequency::quarter, 2023, 2}));
  EXPECT_EQ(p("2023Q2"), (db::Period{db::Frequency::quarter, 2023, 2}));
  EXPECT_EQ(p("2023-q2"), (db::Period{db::Frequency::quarter, 2023, 2}));
  EXPECT_EQ(p("2023-05"), (db::Period{db::Frequency::month, 2023, 5}));
  EXPECT_EQ(p("2023-12"), (db::Period{db::Frequency::month, 2023, 12}));
  EXPECT_EQ(p("1900"), (db::Period{db::Frequency::year, 1900, 0}));
  EXPECT_EQ(p("2999-Q4"), (db::Period{db::Frequency::quarter, 2999, 4}));
}

TEST(Period, RejectsEverythingElse) {
  for (const char* bad : {"", "23", "202", "1899", "3000", "2023-Q0", "2023-Q5", "2023-Q12", "2023-Q", "2023-",
                          "2023-00", "2023-13", "2023-5", "202305", " 2023", "2023 ", "abcd", "2023-W01", "+2023",
                          "2023-Q2x", "2023q", "2023/05", "2023-1a"}) {
    EXPECT_FALSE(db::Period::parse(bad).has_value()) << "accepted '" << bad << "'";
  }
}

TEST(Period, CanonicalTextRoundTrips) {
  EXPECT_EQ(p("2023").to_string(), "2023");
  EXPECT_EQ(p("2023q3").to_string(), "2023-Q3");
  EXPECT_EQ(p("2023-01").to_string(), "2023-01");
  EXPECT_EQ(p("2023-11").to_string(), "2023-11");
  for (const char* text : {"1900", "2023-Q1", "2023-Q4", "2024-02", "2999-12"}) {
    EXPECT_EQ(p(text).to_string(), text);
  }
  EXPECT_EQ(db::to_string(db::Frequency::year), "year");
  EXPECT_EQ(db::to_string(db::Frequency::quarter), "quarter");
  EXPECT_EQ(db::to_string(db::Frequency::month), "month");
}

TEST(Period, OrdinalsAreConsecutiveWithinAFrequency) {
  EXPECT_EQ(p("2023").ordinal(), 2023);
  EXPECT_EQ(p("2023-Q1").ordinal(), 2023 * 4);
  EXPECT_EQ(p("2023-Q2").ordinal(), 2023 * 4 + 1);
  EXPECT_EQ(p("2023-05").ordinal(), 2023 * 12 + 4);
  EXPECT_EQ(p("2024-Q1").ordinal() - p("2023-Q4").ordinal(), 1);
  EXPECT_EQ(p("2024-01").ordinal() - p("2023-12").ordinal(), 1);
  for (const auto f : {db::Frequency::year, db::Frequency::quarter, db::Frequency::month}) {
    const db::Period start = f == db::Frequency::year ? p("1990") : f == db::Frequency::quarter ? p("1990-Q3") : p("1990-11");
    for (std::int64_t k = 0; k < 100; ++k) {
      const auto q = db::Period::from_ordinal(f, start.ordinal() + k);
      EXPECT_EQ(q.ordinal(), start.ordinal() + k);
      EXPECT_EQ(db::Period::parse(q.to_string()), q);
    }
  }
}

TEST(Period, NextCrossesYearEnds) {
  EXPECT_EQ(p("2023").next(), p("2024"));
  EXPECT_EQ(p("2023-Q3").next(), p("2023-Q4"));
  EXPECT_EQ(p("2023-Q4").next(), p("2024-Q1"));
  EXPECT_EQ(p("2023-11").next(), p("2023-12"));
  EXPECT_EQ(p("2023-12").next(), p("2024-01"));
}

TEST(Period, OrdersByTimeWithinAFrequencyAndByFrequencyFirst) {
  EXPECT_LT(p("2022-Q4"), p("2023-Q1"));
  EXPECT_LT(p("2023-Q1"), p("2023-Q2"));
  EXPECT_LT(p("2023-09"), p("2023-10"));
  EXPECT_GT(p("2024"), p("2023"));
  EXPECT_EQ(p("2023-q2"), p("2023Q2"));
  // Frequency first: every year sorts before every quarter.
  EXPECT_LT(p("2999"), p("1900-Q1"));
  std::vector<db::Period> v{p("2024-Q1"), p("2022-Q3"), p("2023-Q4"), p("2022-Q4")};
  std::sort(v.begin(), v.end());
  std::vector<std::string> text;
  for (const auto& x : v) text.push_back(x.to_string());
  EXPECT_EQ(text, (std::vector<std::string>{"2022-Q3", "2022-Q4", "2023-Q4", "2024-Q1"}));
}

}  // namespace
