// Fuzz target: the SQL lexer and parser (ParseSql, ParseExpression), the AST printer, and
// PreparedQuery::Prepare (binder, optimizer, planner) against a catalog with one table
// flow(a int64, b string, c float64, d timestamp), over arbitrary bytes. Any input may be
// rejected, but never with a crash, a leak, undefined behaviour, a stack overflow, or a parse
// error that does not say where (every one is a ParseError starting with "line:column: ").
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/schema.h"
#include "sql/ast_printer.h"
#include "sql/parser.h"
#include "sql/query.h"

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "L:C: ..." with L, C ≥ 1.
bool HasPosition(std::string_view message) {
  size_t i = 0;
  for (int part = 0; part < 2; ++part) {
    size_t start = i;
    while (i < message.size() && IsDigit(message[i])) ++i;
    if (i == start || message[start] == '0') return false;
    if (i >= message.size() || message[i] != ':') return false;
    ++i;
  }
  return i < message.size() && message[i] == ' ';
}

void CheckError(const ark::Status& status) {
  if (status.code() != ark::StatusCode::kParseError || !HasPosition(status.message())) {
    std::abort();
  }
}

const ark::sql::Catalog& FlowCatalog() {
  static const ark::sql::Catalog* catalog = [] {
    auto* c = new ark::sql::Catalog();
    ark::SchemaPtr flow = ark::Schema::Make(
        {ark::Field("a", ark::DataType::Int64()), ark::Field("b", ark::DataType::String()),
         ark::Field("c", ark::DataType::Float64()), ark::Field("d", ark::DataType::Timestamp())});
    if (!c->AddTable("flow", flow).ok()) std::abort();
    return c;
  }();
  return *catalog;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);

  auto statements = ark::sql::ParseSql(sql);
  if (statements.ok()) {
    for (const auto& statement : *statements) (void)ark::sql::StatementToString(*statement);
  } else {
    CheckError(statements.status());
  }

  auto expr = ark::sql::ParseExpression(sql);
  if (expr.ok()) {
    (void)ark::sql::ExprToString(**expr);
  } else {
    CheckError(expr.status());
  }

  auto prepared = ark::sql::PreparedQuery::Prepare(sql, FlowCatalog());
  if (prepared.ok()) {
    (void)(*prepared)->Explain();
    (void)(*prepared)->output_schema()->ToString();
  }
  return 0;
}
