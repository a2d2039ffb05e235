#include "connectors/file/path_template.h"

#include <time.h>

#include <charconv>

namespace ark {

Result<PathTemplate> PathTemplate::Parse(std::string_view text) {
  PathTemplate t;
  t.text_ = std::string(text);
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) t.parts_.push_back(Part{Kind::kLiteral, std::move(literal), 0});
    literal.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal += '}';
        i += 2;
        continue;
      }
      return Status::InvalidArgument(
          "path template \"{}\": unmatched '}}' at column {} (write '}}}}' for a literal brace)",
          text, i + 1);
    }
    if (c != '{') {
      literal += c;
      ++i;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      i += 2;
      continue;
    }
    size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("path template \"{}\": '{{' at column {} is not closed", text,
                                     i + 1);
    }
    std::string_view body = text.substr(i + 1, close - i - 1);
    std::string_view name = body.substr(0, body.find(':'));
    std::string_view arg = body.find(':') == std::string_view::npos ? std::string_view()
                                                                    : body.substr(name.size() + 1);
    bool has_arg = body.find(':') != std::string_view::npos;
    flush();
    if (name == "n") {
      int width = 0;
      if (has_arg) {
        auto [p, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), width);
        if (ec != std::errc() || p != arg.data() + arg.size() || width < 1 || width > 20) {
          return Status::InvalidArgument(
              "path template \"{}\": {{n:{}}} at column {}: the width must be a number from 1 "
              "to 20",
              text, arg, i + 1);
        }
      }
      t.parts_.push_back(Part{Kind::kSeq, "", width});
      t.has_seq_ = true;
    } else if (name == "time" && has_arg && !arg.empty()) {
      t.parts_.push_back(Part{Kind::kTime, std::string(arg), 0});
      t.has_time_ = true;
    } else if (name == "date" && !has_arg) {
      t.parts_.push_back(Part{Kind::kTime, "%Y-%m-%d", 0});
      t.has_time_ = true;
    } else if (name == "stream" && !has_arg) {
      t.parts_.push_back(Part{Kind::kStream, "", 0});
      t.has_stream_ = true;
    } else {
      return Status::InvalidArgument(
          "path template \"{}\": unknown placeholder {{{}}} at column {} (known: {{n}}, {{n:W}}, "
          "{{time:FORMAT}}, {{date}}, {{stream}}; '{{{{' for a literal brace)",
          text, body, i + 1);
    }
    if (text.find('/', close) != std::string_view::npos) t.placeholder_in_directory_ = true;
    i = close + 1;
  }
  flush();
  return t;
}

PathTemplate PathTemplate::Literal(std::string_view text) {
  PathTemplate t;
  t.text_ = std::string(text);
  if (!text.empty()) t.parts_.push_back(Part{Kind::kLiteral, std::string(text), 0});
  return t;
}

std::string PathTemplate::Render(int64_t seq, int64_t now_us, std::string_view stream) const {
  std::string out;
  struct tm tm {};
  bool have_tm = false;
  for (const Part& part : parts_) {
    switch (part.kind) {
      case Kind::kLiteral:
        out += part.text;
        break;
      case Kind::kSeq:
        out += part.width > 0 ? fmt::format("{:0{}}", seq, part.width) : fmt::format("{}", seq);
        break;
      case Kind::kStream:
        out += stream;
        break;
      case Kind::kTime: {
        if (!have_tm) {
          time_t secs =
              static_cast<time_t>(now_us >= 0 ? now_us / 1000000 : (now_us - 999999) / 1000000);
          gmtime_r(&secs, &tm);
          have_tm = true;
        }
        char buf[512];
        size_t n = strftime(buf, sizeof(buf), part.text.c_str(), &tm);
        out.append(buf, n);
        break;
      }
    }
  }
  return out;
}

}  // namespace ark
