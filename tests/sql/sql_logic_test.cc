// Runs sqllogictest-style golden files (tests/sql/*.test) against the SQL engine.
//
// Records are separated by blank lines; lines starting with '#' are comments.
//
//   statement ok                       the statement must succeed (harness statements included:
//   CREATE TABLE t (a int64, b string)  see sql_test_support.h)
//
//   statement error division by zero   must fail, the message containing the text after "error"
//   SELECT 1 / 0
//
//   statement error                    must fail with exactly this message (all lines)
//   SELECT prise FROM t
//   ----
//   1:8: column "prise" does not exist; did you mean "price"?
//     SELECT prise FROM t
//            ^^^^^
//
//   query IT rowsort                   a query: one type letter per column (TypeLetter(): I int,
//   SELECT a, b FROM t                 R float, T string, B bool, D date, S timestamp,
//   ----                               V interval, Y binary, L list, X struct, N null; ? any),
//   1	x                                then nosort (default) or rowsort, and optionally colnames
//   2	NULL                             (the first expected line holds the column names).
//                                      Expected rows are tab-separated, rendered as
//                                      sql_test_support.h says.
//
//   control batch_size 3               later queries see every table cut into 3-row batches
//                                      (0: one batch per table)
//
// Usage: sql_logic_test FILE...            runs the files, prints every failure, exits 1 on any
//        sql_logic_test --print FILE       prints each record's actual result ("### <line>" then
//                                          rows or "ERROR <message>"), for the differential test
//        [--float-digits N]                significant digits of floats (default 12)
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "sql_test_support.h"

namespace ark::sqltest {
namespace {

struct Record {
  enum class Kind { kStatementOk, kStatementError, kQuery, kControl };
  Kind kind;
  int line = 0;        // of the header
  std::string header;  // the whole header line
  std::string sql;
  std::string error_substring;  // statement error <text>
  bool exact_error = false;     // statement error + ---- block
  std::string types;            // query
  bool rowsort = false;
  bool colnames = false;
  std::vector<std::string> expected;  // lines after ----
};

std::vector<std::string> SplitWords(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

bool ParseFile(const std::string& path, std::vector<Record>* records, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot open " + path;
    return false;
  }
  std::vector<std::string> lines;
  std::string l;
  while (std::getline(in, l)) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    lines.push_back(l);
  }
  size_t i = 0;
  auto blank = [&](size_t k) { return lines[k].find_first_not_of(" \t") == std::string::npos; };
  while (i < lines.size()) {
    if (blank(i) || lines[i][0] == '#') {
      ++i;
      continue;
    }
    Record r;
    r.line = static_cast<int>(i + 1);
    r.header = lines[i];
    std::vector<std::string> words = SplitWords(lines[i]);
    if (words[0] == "statement" && words.size() >= 2 && words[1] == "ok") {
      r.kind = Record::Kind::kStatementOk;
    } else if (words[0] == "statement" && words.size() >= 2 && words[1] == "error") {
      r.kind = Record::Kind::kStatementError;
      size_t pos = lines[i].find("error") + 5;
      r.error_substring = lines[i].substr(std::min(pos + 1, lines[i].size()));
    } else if (words[0] == "query" && words.size() >= 2) {
      r.kind = Record::Kind::kQuery;
      r.types = words[1];
      for (size_t w = 2; w < words.size(); ++w) {
        if (words[w] == "rowsort") {
          r.rowsort = true;
        } else if (words[w] == "nosort") {
        } else if (words[w] == "colnames") {
          r.colnames = true;
        } else {
          *error = fmt::format("{}:{}: unknown query option \"{}\"", path, i + 1, words[w]);
          return false;
        }
      }
    } else if (words[0] == "control" && words.size() == 3 && words[1] == "batch_size") {
      r.kind = Record::Kind::kControl;
      r.sql = words[2];
      records->push_back(r);
      ++i;
      continue;
    } else {
      *error = fmt::format("{}:{}: unknown record \"{}\"", path, i + 1, lines[i]);
      return false;
    }
    ++i;
    std::string sql;
    while (i < lines.size() && !blank(i) && lines[i] != "----") {
      if (lines[i].rfind("#", 0) != 0) sql += (sql.empty() ? "" : "\n") + lines[i];
      ++i;
    }
    r.sql = sql;
    if (sql.empty()) {
      *error = fmt::format("{}:{}: record without SQL", path, r.line);
      return false;
    }
    if (i < lines.size() && lines[i] == "----") {
      ++i;
      while (i < lines.size() && !blank(i)) r.expected.push_back(lines[i++]);
      if (r.kind == Record::Kind::kStatementError) {
        r.exact_error = true;
      } else if (r.kind != Record::Kind::kQuery) {
        *error = fmt::format("{}:{}: only queries and errors have a ---- block", path, r.line);
        return false;
      }
    } else if (r.kind == Record::Kind::kQuery) {
      *error =
          fmt::format("{}:{}: query without ---- (an empty result still needs it)", path, r.line);
      return false;
    }
    records->push_back(std::move(r));
  }
  return true;
}

std::string JoinLines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += "    " + s + "\n";
  return out.empty() ? "    (no rows)\n" : out;
}

// Runs one file; returns the number of failures.
int RunFile(const std::string& path, bool print, const RenderOptions& options, int* records_run) {
  std::vector<Record> records;
  std::string error;
  if (!ParseFile(path, &records, &error)) {
    std::cerr << error << "\n";
    return 1;
  }
  Harness harness;
  int failures = 0;
  for (const Record& r : records) {
    if (r.kind == Record::Kind::kControl) {
      harness.set_batch_size(std::stoll(r.sql));
      continue;
    }
    ++*records_run;
    Result<StatementResult> result = harness.Run(r.sql, options);
    auto fail = [&](const std::string& what) {
      ++failures;
      std::cerr << fmt::format("{}:{}: FAIL: {}\n  {}\n", path, r.line, r.header,
                               [&] {
                                 std::string s = r.sql;
                                 size_t p = 0;
                                 while ((p = s.find('\n', p)) != std::string::npos) {
                                   s.replace(p, 1, "\n  ");
                                   p += 3;
                                 }
                                 return s;
                               }())
                << what << "\n";
    };
    if (print) {
      std::cout << "### " << r.line << "\n";
      if (!result.ok()) {
        std::string msg = result.status().message();
        std::replace(msg.begin(), msg.end(), '\n', ' ');
        std::cout << "ERROR " << msg << "\n";
      } else if (result->is_query) {
        std::string types;
        for (const Field& f : result->schema->fields()) types += TypeLetter(f.type);
        std::cout << "TYPES " << types << "\n";
        for (const auto& row : RenderRows(result->batches, options)) {
          std::string line;
          for (size_t c = 0; c < row.size(); ++c) line += (c ? "\t" : "") + row[c];
          std::cout << line << "\n";
        }
      }
      continue;
    }
    switch (r.kind) {
      case Record::Kind::kStatementOk:
        if (!result.ok()) fail("  expected success, got: " + result.status().ToString());
        break;
      case Record::Kind::kStatementError: {
        if (result.ok()) {
          fail("  expected an error, but it succeeded");
          break;
        }
        const std::string msg = result.status().message();
        if (r.exact_error) {
          std::string want;
          for (size_t k = 0; k < r.expected.size(); ++k) want += (k ? "\n" : "") + r.expected[k];
          if (msg != want) {
            fail(fmt::format("  expected the error:\n{}\n  got:\n{}", want, msg));
          }
        } else if (msg.find(r.error_substring) == std::string::npos) {
          fail(
              fmt::format("  expected an error containing: {}\n  got: {}", r.error_substring, msg));
        }
        break;
      }
      case Record::Kind::kQuery: {
        if (!result.ok()) {
          fail("  expected rows, got the error: " + result.status().ToString());
          break;
        }
        if (!result->is_query) {
          fail("  not a query");
          break;
        }
        std::string types;
        for (const Field& f : result->schema->fields()) types += TypeLetter(f.type);
        bool types_ok = types.size() == r.types.size();
        for (size_t k = 0; types_ok && k < types.size(); ++k) {
          types_ok = r.types[k] == '?' || r.types[k] == types[k] || types[k] == 'N';
        }
        std::vector<std::string> got;
        if (r.colnames) {
          std::string line;
          for (int c = 0; c < result->schema->num_fields(); ++c) {
            line += (c ? "\t" : "") + result->schema->field(c).name;
          }
          got.push_back(line);
        }
        std::vector<std::string> rows;
        for (const auto& row : RenderRows(result->batches, options)) {
          std::string line;
          for (size_t c = 0; c < row.size(); ++c) line += (c ? "\t" : "") + row[c];
          rows.push_back(line);
        }
        std::vector<std::string> want = r.expected;
        if (r.rowsort) {
          std::sort(rows.begin(), rows.end());
          std::sort(want.begin() + (r.colnames && !want.empty() ? 1 : 0), want.end());
        }
        got.insert(got.end(), rows.begin(), rows.end());
        if (!types_ok) {
          fail(fmt::format("  expected column types {}, got {} ({})", r.types, types,
                           result->schema->ToString()));
        } else if (got != want) {
          fail(fmt::format("  expected:\n{}  got:\n{}", JoinLines(want), JoinLines(got)));
        }
        break;
      }
      case Record::Kind::kControl:
        break;
    }
  }
  return failures;
}

}  // namespace
}  // namespace ark::sqltest

int main(int argc, char** argv) {
  bool print = false;
  ark::sqltest::RenderOptions options;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--print") {
      print = true;
    } else if (a == "--float-digits" && i + 1 < argc) {
      options.float_digits = std::atoi(argv[++i]);
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    std::cerr << "usage: sql_logic_test [--print] [--float-digits N] FILE...\n";
    return 2;
  }
  int failures = 0;
  int records = 0;
  for (const std::string& f : files) failures += ark::sqltest::RunFile(f, print, options, &records);
  if (!print) {
    std::cerr << fmt::format("{} records, {} failed\n", records, failures);
  }
  return failures == 0 ? 0 : 1;
}
