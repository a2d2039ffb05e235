#include <gtest/gtest.h>

#include "sql/expr/datetime.h"
#include "sql/functions/scalar_test_util.h"

namespace ark::sql {
namespace {

using namespace ark::sql::testing;  // NOLINT

Value Ts(std::string_view text) { return Value::Timestamp(*ParseTimestampText(text)); }

TEST(DatetimeTest, NowAndCurrentDate) {
  FunctionTester t;
  t.context().statement_time_us = *ParseTimestampText("2024-05-01 23:59:59.5");
  EXPECT_EQ(t.Text("now", {}), "TIMESTAMP '2024-05-01 23:59:59.5'");
  EXPECT_EQ(t.Text("current_timestamp", {}), "TIMESTAMP '2024-05-01 23:59:59.5'");
  EXPECT_EQ(t.Text("current_date", {}), "DATE '2024-05-01'");
  EXPECT_FALSE(t.Bind("now", {})->deterministic);
  // Without a statement time the clock is read.
  t.context().statement_time_us = 0;
  Result<Value> now = t.Eval("now", {});
  ASSERT_TRUE(now.ok());
  EXPECT_GT(now->int_value(), *ParseTimestampText("2024-01-01"));
}

TEST(DatetimeTest, DateTrunc) {
  FunctionTester t;
  const Value ts = Ts("2024-05-15 12:34:56.789");
  EXPECT_EQ(t.Text("date_trunc", {Str("hour"), ts}), "TIMESTAMP '2024-05-15 12:00:00'");
  EXPECT_EQ(t.Text("date_trunc", {Str("minute"), ts}), "TIMESTAMP '2024-05-15 12:34:00'");
  EXPECT_EQ(t.Text("date_trunc", {Str("second"), ts}), "TIMESTAMP '2024-05-15 12:34:56'");
  EXPECT_EQ(t.Text("date_trunc", {Str("milliseconds"), ts}), "TIMESTAMP '2024-05-15 12:34:56.789'");
  EXPECT_EQ(t.Text("date_trunc", {Str("day"), ts}), "TIMESTAMP '2024-05-15 00:00:00'");
  EXPECT_EQ(t.Text("date_trunc", {Str("week"), ts}), "TIMESTAMP '2024-05-13 00:00:00'");
  EXPECT_EQ(t.Text("date_trunc", {Str("month"), ts}), "TIMESTAMP '2024-05-01 00:00:00'");
  EXPECT_EQ(t.Text("date_trunc", {Str("quarter"), ts}), "TIMESTAMP '2024-04-01 00:00:00'");
  EXPECT_EQ(t.Text("date_trunc", {Str("YEAR"), ts}), "TIMESTAMP '2024-01-01 00:00:00'");
  EXPECT_EQ(t.Text("date_trunc", {Str("decade"), ts}), "TIMESTAMP '2020-01-01 00:00:00'");
  EXPECT_EQ(t.Text("date_trunc", {Str("century"), ts}), "TIMESTAMP '2001-01-01 00:00:00'");
  EXPECT_EQ(t.Text("date_trunc", {Str("millennium"), ts}), "TIMESTAMP '2001-01-01 00:00:00'");
  // Negative epochs floor toward the past.
  EXPECT_EQ(t.Text("date_trunc", {Str("hour"), Ts("1969-12-31 23:30:00")}),
            "TIMESTAMP '1969-12-31 23:00:00'");
  EXPECT_EQ(t.Text("date_trunc", {Str("day"), Value::Timestamp(-1)}),
            "TIMESTAMP '1969-12-31 00:00:00'");
  EXPECT_EQ(t.Text("date_trunc", {Str("day"), Value::Date(19844)}),
            "TIMESTAMP '2024-05-01 00:00:00'");
  EXPECT_EQ(t.Text("date_trunc", {Str("hour"), Value::Interval({1, 2, 3723000000000})}),
            "INTERVAL '1 mon 2 days 01:00:00'");
  EXPECT_EQ(t.Text("date_trunc", {Str("fortnight"), ts}),
            "ERROR: date_trunc: unit \"fortnight\" not recognized");
  // A column (fast path) with NULLs.
  ColumnPtr c = Col(DataType::Timestamp(), {ts, Null(), Value::Timestamp(-1)});
  auto r = t.Call("date_trunc", {Datum(Str("minute")), Datum(c)}, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Show(*r, 3), "TIMESTAMP '2024-05-15 12:34:00', NULL, TIMESTAMP '1969-12-31 23:59:00'");
}

TEST(DatetimeTest, DatePart) {
  FunctionTester t;
  const Value ts = Ts("2024-02-29 13:45:30.25");  // a Thursday in a leap year
  EXPECT_EQ(t.Text("date_part", {Str("year"), ts}), "2024");
  EXPECT_EQ(t.Text("date_part", {Str("quarter"), ts}), "1");
  EXPECT_EQ(t.Text("date_part", {Str("month"), ts}), "2");
  EXPECT_EQ(t.Text("date_part", {Str("day"), ts}), "29");
  EXPECT_EQ(t.Text("date_part", {Str("hour"), ts}), "13");
  EXPECT_EQ(t.Text("date_part", {Str("minute"), ts}), "45");
  EXPECT_EQ(t.Text("date_part", {Str("second"), ts}), "30.25");
  EXPECT_EQ(t.Text("date_part", {Str("milliseconds"), ts}), "30250");
  EXPECT_EQ(t.Text("date_part", {Str("microseconds"), ts}), "30250000");
  EXPECT_EQ(t.Text("date_part", {Str("dow"), ts}), "4");
  EXPECT_EQ(t.Text("date_part", {Str("isodow"), Ts("2024-03-03")}), "7");
  EXPECT_EQ(t.Text("date_part", {Str("doy"), ts}), "60");
  EXPECT_EQ(t.Text("date_part", {Str("doy"), Ts("2024-12-31")}), "366");
  EXPECT_EQ(t.Text("date_part", {Str("week"), ts}), "9");
  EXPECT_EQ(t.Text("date_part", {Str("week"), Ts("2021-01-03")}), "53");
  EXPECT_EQ(t.Text("date_part", {Str("isoyear"), Ts("2021-01-03")}), "2020");
  EXPECT_EQ(t.Text("date_part", {Str("epoch"), Ts("1970-01-01 00:00:01.5")}), "1.5");
  EXPECT_EQ(t.Text("date_part", {Str("epoch"), Ts("1969-12-31 23:59:59")}), "-1");
  EXPECT_EQ(t.Text("date_part", {Str("century"), ts}), "21");
  EXPECT_EQ(t.Text("date_part", {Str("century"), Ts("2000-12-31")}), "20");
  EXPECT_EQ(t.Text("date_part", {Str("millennium"), ts}), "3");
  EXPECT_EQ(t.Text("date_part", {Str("decade"), ts}), "202");
  EXPECT_EQ(t.Text("date_part", {Str("year"), Ts("0044-03-15 BC")}), "-44");
  EXPECT_EQ(t.Text("extract", {Str("day"), Value::Date(19844)}), "1");
  EXPECT_EQ(t.Text("date_part", {Str("epoch"), Value::Date(1)}), "86400");
  const Value iv = Value::Interval({14, 3, 4 * 3600000000000LL + 5500000000LL});
  EXPECT_EQ(t.Text("date_part", {Str("year"), iv}), "1");
  EXPECT_EQ(t.Text("date_part", {Str("month"), iv}), "2");
  EXPECT_EQ(t.Text("date_part", {Str("day"), iv}), "3");
  EXPECT_EQ(t.Text("date_part", {Str("hour"), iv}), "4");
  EXPECT_EQ(t.Text("date_part", {Str("second"), iv}), "5.5");
  EXPECT_EQ(t.Text("date_part", {Str("epoch"), Value::Interval({0, 1, 1000000000})}), "86401");
  EXPECT_EQ(t.Text("date_part", {Str("dow"), iv}),
            "ERROR: date_part: unit \"dow\" not supported for type interval");
  EXPECT_EQ(t.Text("date_part", {Str("eon"), ts}), "ERROR: date_part: unit \"eon\" not recognized");
}

TEST(DatetimeTest, ToChar) {
  FunctionTester t;
  const Value ts = Ts("2024-05-01 15:04:05.123456");
  EXPECT_EQ(t.Text("to_char", {ts, Str("YYYY-MM-DD HH24:MI:SS")}), "'2024-05-01 15:04:05'");
  EXPECT_EQ(t.Text("to_char", {ts, Str("YYYY-MM-DD HH12:MI:SS PM")}), "'2024-05-01 03:04:05 PM'");
  EXPECT_EQ(t.Text("to_char", {ts, Str("HH:MI:SS.MS a.m.")}), "'03:04:05.123 p.m.'");
  EXPECT_EQ(t.Text("to_char", {ts, Str("US")}), "'123456'");
  EXPECT_EQ(t.Text("to_char", {ts, Str("Day, DD Month YYYY")}), "'Wednesday, 01 May       2024'");
  EXPECT_EQ(t.Text("to_char", {ts, Str("FMDay, FMDD FMMonth YYYY")}), "'Wednesday, 1 May 2024'");
  EXPECT_EQ(t.Text("to_char", {ts, Str("Dy Mon DD YY")}), "'Wed May 01 24'");
  EXPECT_EQ(t.Text("to_char", {ts, Str("DY MON dy mon")}), "'WED MAY wed may'");
  EXPECT_EQ(t.Text("to_char", {ts, Str("DDD D ID Q WW IW")}), "'122 4 3 2 18 18'");
  EXPECT_EQ(t.Text("to_char", {ts, Str("FMDDth \"of\" FMMonth")}), "'1st of May'");
  EXPECT_EQ(t.Text("to_char", {Ts("2024-05-22"), Str("DDTH")}), "'22ND'");
  EXPECT_EQ(t.Text("to_char", {ts, Str("YYYY-MM-DD\"T\"HH24:MI:SSTZ OF")}),
            "'2024-05-01T15:04:05UTC +00'");
  EXPECT_EQ(t.Text("to_char", {Ts("2024-01-01 00:00:00"), Str("HH12 AM")}), "'12 AM'");
  EXPECT_EQ(t.Text("to_char", {Value::Date(0), Str("YYYY/MM/DD")}), "'1970/01/01'");
  // A per-row format column.
  ColumnPtr f = Col(DataType::String(), {Str("YYYY"), Str("MM"), Null()});
  auto r = t.Call("to_char", {Datum(ts), Datum(f)}, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ShowText(*r), "2024|05|NULL");
}

TEST(DatetimeTest, ToTimestamp) {
  FunctionTester t;
  EXPECT_EQ(t.Text("to_timestamp", {F64(1714564800.5)}), "TIMESTAMP '2024-05-01 12:00:00.5'");
  EXPECT_EQ(t.Text("to_timestamp", {I64(-1)}), "TIMESTAMP '1969-12-31 23:59:59'");
  EXPECT_EQ(t.Text("to_timestamp", {F64(std::nan(""))}), "ERROR: timestamp cannot be NaN");
  EXPECT_EQ(t.Text("to_timestamp", {Str("05 Dec 2000"), Str("DD Mon YYYY")}),
            "TIMESTAMP '2000-12-05 00:00:00'");
  EXPECT_EQ(t.Text("to_timestamp", {Str("2024-05-01 15:04:05"), Str("YYYY-MM-DD HH24:MI:SS")}),
            "TIMESTAMP '2024-05-01 15:04:05'");
  EXPECT_EQ(t.Text("to_timestamp", {Str("2024/5/1 3:04 pm"), Str("YYYY-MM-DD HH12:MI AM")}),
            "TIMESTAMP '2024-05-01 15:04:00'");
  EXPECT_EQ(t.Text("to_timestamp", {Str("12:34:56.5"), Str("HH24:MI:SS.MS")}),
            "TIMESTAMP '0001-01-01 12:34:56.5'");
  EXPECT_EQ(t.Text("to_timestamp", {Str("March 3, 2024"), Str("Month DD, YYYY")}),
            "TIMESTAMP '2024-03-03 00:00:00'");
  EXPECT_EQ(t.Text("to_timestamp", {Str("2024-05-01 12:00 +02:00"), Str("YYYY-MM-DD HH24:MI OF")}),
            "TIMESTAMP '2024-05-01 10:00:00'");
  EXPECT_EQ(t.Text("to_timestamp", {Str("2024-13-01"), Str("YYYY-MM-DD")}),
            "ERROR: date/time field value out of range: \"2024-13-01\"");
  EXPECT_EQ(t.Text("to_timestamp", {Str("2024-ab-01"), Str("YYYY-MM-DD")}),
            "ERROR: to_timestamp: invalid value \"ab\" for \"MM\" in \"2024-ab-01\"");
  EXPECT_EQ(t.Text("to_timestamp", {Str("2023-02-29"), Str("YYYY-MM-DD")}),
            "ERROR: date/time field value out of range: \"2023-02-29\"");
  // A field followed by a separator takes every digit (PostgreSQL): HH24 reads 2024 here.
  EXPECT_EQ(t.Text("to_timestamp", {Str("2024-03-05"), Str("HH24:MI")}),
            "ERROR: date/time field value out of range: \"2024-03-05\"");
  // Followed by another numeric field, it takes its width.
  EXPECT_EQ(t.Text("to_timestamp", {Str("20240305"), Str("YYYYMMDD")}),
            "TIMESTAMP '2024-03-05 00:00:00'");
  EXPECT_EQ(t.Text("to_timestamp", {Str("2024-3-5 7:8"), Str("YYYY-MM-DD HH24:MI")}),
            "TIMESTAMP '2024-03-05 07:08:00'");
  EXPECT_EQ(t.Text("to_timestamp", {Str("12024-01-02"), Str("YYYY-MM-DD")}),
            "TIMESTAMP '12024-01-02 00:00:00'");
  EXPECT_EQ(t.Text("to_timestamp", {Str("99999999999"), Str("YYYY")}),
            "ERROR: to_timestamp: value for \"YYYY\" in source string is out of range: "
            "\"99999999999\"");
}

TEST(DatetimeTest, EpochConversions) {
  FunctionTester t;
  EXPECT_EQ(t.Text("epoch_ms", {I64(1714564800000)}), "TIMESTAMP '2024-05-01 12:00:00'");
  EXPECT_EQ(t.Text("epoch_ms", {Ts("2024-05-01 12:00:00.0019")}), "1714564800001");
  EXPECT_EQ(t.Text("epoch_ms", {Value::Timestamp(-1)}), "-1");
  EXPECT_EQ(t.Text("epoch_us", {Ts("1970-01-01 00:00:01")}), "1000000");
  EXPECT_EQ(t.Text("epoch_us", {I64(5)}), "TIMESTAMP '1970-01-01 00:00:00.000005'");
  EXPECT_EQ(t.Text("epoch", {Ts("1970-01-01 00:00:01.5")}), "1.5");
  EXPECT_EQ(t.Text("epoch_ms", {I64(9223372036854775)}), "TIMESTAMP '294247-01-10 04:00:54.775'");
  EXPECT_EQ(t.Text("epoch_ms", {I64(9223372036854776)}), "ERROR: timestamp out of range");
}

TEST(DatetimeTest, MakeDateTimestampAge) {
  FunctionTester t;
  EXPECT_EQ(t.Text("make_date", {I32(2024), I32(2), I32(29)}), "DATE '2024-02-29'");
  EXPECT_EQ(t.Text("make_date", {I32(2023), I32(2), I32(29)}),
            "ERROR: date field value out of range: 2023-02-29");
  EXPECT_EQ(t.Text("make_date", {I32(-44), I32(3), I32(15)}), "DATE '0044-03-15 BC'");
  EXPECT_EQ(t.Text("make_timestamp", {I32(2024), I32(5), I32(1), I32(12), I32(30), F64(15.5)}),
            "TIMESTAMP '2024-05-01 12:30:15.5'");
  EXPECT_EQ(t.Text("make_timestamp", {I32(2024), I32(5), I32(1), I32(24), I32(0), F64(0)}),
            "ERROR: time field value out of range: 24:00:00");
  EXPECT_EQ(t.Text("make_timestamp", {I64(1000000)}), "TIMESTAMP '1970-01-01 00:00:01'");
  EXPECT_EQ(t.Text("age", {Ts("2001-04-10"), Ts("1957-06-13")}),
            "INTERVAL '43 years 9 mons 27 days'");
  EXPECT_EQ(t.Text("age", {Ts("1957-06-13"), Ts("2001-04-10")}),
            "INTERVAL '-43 years -9 mons -27 days'");
  EXPECT_EQ(t.Text("age", {Ts("2024-03-01 10:00"), Ts("2024-02-28 12:00")}),
            "INTERVAL '1 day 22:00:00'");
  t.context().statement_time_us = *ParseTimestampText("2024-05-01 15:00");
  EXPECT_EQ(t.Text("age", {Ts("2000-05-01")}), "INTERVAL '24 years'");
  EXPECT_TRUE(t.Bind("age", {DataType::Timestamp(), DataType::Timestamp()})->deterministic);
  EXPECT_FALSE(t.Bind("age", {DataType::Timestamp()})->deterministic);
}

}  // namespace
}  // namespace ark::sql
