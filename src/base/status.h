// Status and Result<T>: the error currency of every fallible call in ArkFlow C++.
//
// A Status is a code plus a message a user can act on: what failed, where, and what was expected.
// An OK status allocates nothing. Result<T> holds either a value or a non-OK Status.
//
//   Result<Batch> Decode(std::string_view text);
//   ARK_ASSIGN_OR_RETURN(Batch batch, Decode(text));
//   ARK_RETURN_IF_ERROR(output.Write(batch));
//
// Thread-safety: value types; distinct objects may be used from distinct threads freely.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace ark {

enum class StatusCode : unsigned char {
  kOk = 0,
  kInvalidArgument,    // the caller passed something malformed
  kNotFound,           // a named thing (file, column, component) does not exist
  kAlreadyExists,      // a named thing already exists
  kOutOfRange,         // a value or index is outside what is allowed
  kTypeError,          // types do not fit (column type, config value type)
  kParseError,         // input text/bytes could not be parsed
  kConfigError,        // the configuration is invalid
  kIoError,            // the operating system refused an I/O operation
  kUnavailable,        // a peer or resource is temporarily unavailable; retrying may succeed
  kResourceExhausted,  // a limit was reached (queue full, disk full); retrying later may succeed
  kCancelled,          // the operation was stopped by shutdown
  kEndOfStream,        // a finite input has nothing more to give
  kUnimplemented,      // the capability is not built (yet)
  kInternal,           // a bug: an invariant did not hold
};

// "InvalidArgument", "ParseError", ...
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }

#define ARK_STATUS_FACTORY(Name)                                                          \
  template <typename... Args>                                                             \
  static Status Name(fmt::format_string<Args...> format, Args&&... args) {                \
    return Status(StatusCode::k##Name, fmt::format(format, std::forward<Args>(args)...)); \
  }
  ARK_STATUS_FACTORY(InvalidArgument)
  ARK_STATUS_FACTORY(NotFound)
  ARK_STATUS_FACTORY(AlreadyExists)
  ARK_STATUS_FACTORY(OutOfRange)
  ARK_STATUS_FACTORY(TypeError)
  ARK_STATUS_FACTORY(ParseError)
  ARK_STATUS_FACTORY(ConfigError)
  ARK_STATUS_FACTORY(IoError)
  ARK_STATUS_FACTORY(Unavailable)
  ARK_STATUS_FACTORY(ResourceExhausted)
  ARK_STATUS_FACTORY(Cancelled)
  ARK_STATUS_FACTORY(EndOfStream)
  ARK_STATUS_FACTORY(Unimplemented)
  ARK_STATUS_FACTORY(Internal)
#undef ARK_STATUS_FACTORY

  // An I/O error from errno: "<what>: <strerror(errno_value)>".
  static Status FromErrno(int errno_value, std::string_view what);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // True for failures that may succeed when retried (peer unavailable, queue full).
  bool IsRetryable() const {
    return code_ == StatusCode::kUnavailable || code_ == StatusCode::kResourceExhausted;
  }
  bool IsEndOfStream() const { return code_ == StatusCode::kEndOfStream; }
  bool IsCancelled() const { return code_ == StatusCode::kCancelled; }

  // "ParseError: unexpected ',' at line 3" (or "OK").
  std::string ToString() const;

  // The same status with "<context>: " prepended to the message. OK stays OK.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<T, Status>, "Result<Status> makes no sense");

 public:
  Result(const T& value) : v_(value) {}        // NOLINT(runtime/explicit)
  Result(T&& value) : v_(std::move(value)) {}  // NOLINT(runtime/explicit)
  template <typename U, typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                                    !std::is_same_v<std::decay_t<U>, T> &&
                                                    !std::is_same_v<std::decay_t<U>, Status>>>
  Result(U&& value) : v_(T(std::forward<U>(value))) {}  // NOLINT(runtime/explicit)
  Result(Status status) : v_(std::move(status)) {       // NOLINT(runtime/explicit)
    assert(!std::get<Status>(v_).ok() && "Result constructed from an OK status without a value");
    if (std::get<Status>(v_).ok()) {
      v_ = Status(StatusCode::kInternal, "Result constructed from an OK status without a value");
    }
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status::OK() : std::get<Status>(v_); }

  // REQUIRES: ok()
  T& value() & {
    assert(ok() && "Result::value() on an error");
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(ok() && "Result::value() on an error");
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok() && "Result::value() on an error");
    return std::get<T>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T ValueOr(T fallback) const& { return ok() ? std::get<T>(v_) : std::move(fallback); }

 private:
  std::variant<Status, T> v_;
};

namespace internal {
inline Status AsStatus(Status s) { return s; }
template <typename T>
Status AsStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace ark

#define ARK_CONCAT_IMPL(a, b) a##b
#define ARK_CONCAT(a, b) ARK_CONCAT_IMPL(a, b)

// Returns the status from the current function when `expr` is not OK.
#define ARK_RETURN_IF_ERROR(expr)                                  \
  do {                                                             \
    ::ark::Status ark_status_ = ::ark::internal::AsStatus((expr)); \
    if (!ark_status_.ok()) return ark_status_;                     \
  } while (false)

// Like ARK_RETURN_IF_ERROR, prefixing the message with `context` ("reading input.json").
#define ARK_RETURN_IF_ERROR_CTX(expr, context)                      \
  do {                                                              \
    ::ark::Status ark_status_ = ::ark::internal::AsStatus((expr));  \
    if (!ark_status_.ok()) return ark_status_.WithContext(context); \
  } while (false)

#define ARK_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                              \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

// `lhs = value of rexpr`, or returns its status from the current function.
#define ARK_ASSIGN_OR_RETURN(lhs, rexpr) \
  ARK_ASSIGN_OR_RETURN_IMPL(ARK_CONCAT(ark_result_, __LINE__), lhs, rexpr)

// Aborts with a message when an internal invariant does not hold. Never use on user input.
#define ARK_CHECK(cond, msg)                                                     \
  do {                                                                           \
    if (!(cond)) ::ark::internal::CheckFailed(__FILE__, __LINE__, #cond, (msg)); \
  } while (false)

namespace ark::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* cond, std::string_view msg);
}  // namespace ark::internal
