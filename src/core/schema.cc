#include "core/schema.h"

#include "base/strings.h"

namespace ark {

Schema::Schema(std::vector<Field> fields) : fields_(std::move(fields)) {
  index_.reserve(fields_.size());
  for (int i = 0; i < static_cast<int>(fields_.size()); ++i) {
    index_.try_emplace(fields_[i].name, i);
  }
}

int Schema::IndexOf(std::string_view name) const {
  // Debian's abseil has its own string_view type (ABSL_OPTION_USE_STD_STRING_VIEW 0).
  auto it = index_.find(absl::string_view(name.data(), name.size()));
  return it == index_.end() ? -1 : it->second;
}

std::vector<std::string> Schema::names() const {
  std::vector<std::string> out;
  out.reserve(fields_.size());
  for (const auto& f : fields_) out.push_back(f.name);
  return out;
}

Result<int> Schema::FindField(std::string_view name) const {
  int i = IndexOf(name);
  if (i >= 0) return i;
  auto all = names();
  return Status::NotFound("column \"{}\" does not exist{}", name, DidYouMean(name, all));
}

std::string Schema::ToString() const {
  std::string out;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i) out += ", ";
    out += fields_[i].ToString();
  }
  return out;
}

}  // namespace ark
