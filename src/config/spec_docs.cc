#include "config/spec_docs.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "base/strings.h"

namespace ark {
namespace {

// One option as documented; both renderings read these.
struct Row {
  std::string name;  // within its group
  std::string type;
  bool required = false;
  std::string default_value;  // empty: none
  std::string description;
  std::string bounds;  // ">= 1", "1 to 10", "at least 1 item"; empty: none
  std::vector<std::string> enum_values;
  std::vector<std::string> aliases;
  int child_group = -1;  // index of the Group of a nested object's options
};

// The options of one spec: the top level (empty path) or a nested object ("tls", "streams[]").
struct Group {
  std::string path;
  std::string description;
  std::vector<Row> rows;
};

std::string FormatBound(double v) { return fmt::format("{}", v); }

std::string Bounds(const OptionSpec& opt) {
  bool counts = opt.type == OptionType::kStringList || opt.type == OptionType::kObjectList ||
                opt.type == OptionType::kComponentList;
  std::string unit = counts ? " items" : "";
  if (opt.min && opt.max) {
    return fmt::format("{} to {}{}", FormatBound(*opt.min), FormatBound(*opt.max), unit);
  }
  if (counts) {
    if (opt.min) {
      return fmt::format("at least {} item{}", FormatBound(*opt.min), *opt.min == 1 ? "" : "s");
    }
    if (opt.max) {
      return fmt::format("at most {} item{}", FormatBound(*opt.max), *opt.max == 1 ? "" : "s");
    }
    return "";
  }
  if (opt.min) return ">= " + FormatBound(*opt.min);
  if (opt.max) return "<= " + FormatBound(*opt.max);
  return "";
}

std::string TypeLabel(const OptionSpec& opt) {
  switch (opt.type) {
    case OptionType::kComponent:
      return fmt::format("{} component", opt.component_kind);
    case OptionType::kComponentList:
      return fmt::format("list of {} components", opt.component_kind);
    default:
      return std::string(OptionTypeName(opt.type));
  }
}

std::string JoinPath(std::string_view parent, std::string_view name) {
  if (parent.empty()) return std::string(name);
  return fmt::format("{}.{}", parent, name);
}

void CollectGroups(const ConfigSpec& spec, const std::string& path, std::string description,
                   std::vector<Group>* groups) {
  size_t index = groups->size();
  groups->push_back(Group{path, std::move(description), {}});
  for (const OptionSpec& opt : spec.options()) {
    Row row;
    row.name = opt.name;
    row.type = TypeLabel(opt);
    row.required = opt.required;
    row.default_value = opt.default_value.value_or("");
    row.description = opt.description;
    row.bounds = Bounds(opt);
    row.enum_values = opt.enum_values;
    row.aliases = opt.aliases;
    if (opt.type == OptionType::kObject || opt.type == OptionType::kObjectList) {
      row.child_group = static_cast<int>(groups->size());
      (*groups)[index].rows.push_back(std::move(row));
      std::string child_path =
          JoinPath(path, opt.type == OptionType::kObject ? opt.name : opt.name + "[]");
      CollectGroups(*opt.object_spec, child_path, opt.description, groups);
    } else {
      (*groups)[index].rows.push_back(std::move(row));
    }
  }
}

std::vector<Group> Groups(const ConfigSpec& spec) {
  std::vector<Group> groups;
  CollectGroups(spec, "", spec.description(), &groups);
  return groups;
}

// Markdown table cells: no raw '|' or line breaks.
std::string Cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += "<br>";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Code(std::string_view s) {
  // A backtick inside needs a longer fence.
  if (s.find('`') != std::string_view::npos) return fmt::format("`` {} ``", s);
  return fmt::format("`{}`", s);
}

std::string CodeList(const std::vector<std::string>& items) {
  std::vector<std::string> parts;
  for (const std::string& s : items) parts.push_back(Code(s));
  return JoinStrings(parts, ", ");
}

std::string TrimTrailingNewlines(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

// The description plus what the table has no column for (text rendering).
std::string TextDescription(const Row& row) {
  std::vector<std::string> notes;
  if (!row.bounds.empty()) notes.push_back(row.bounds);
  if (!row.enum_values.empty()) notes.push_back("one of " + JoinStrings(row.enum_values, ", "));
  if (!row.aliases.empty()) notes.push_back("alias " + JoinStrings(row.aliases, ", "));
  std::string out = row.description;
  if (!notes.empty()) {
    if (!out.empty()) out += ' ';
    out += "(" + JoinStrings(notes, "; ") + ")";
  }
  return out;
}

// Rows of group `g` in table order, each nested object's options right after the object.
void AddTextRows(const std::vector<Group>& groups, size_t g,
                 std::vector<std::array<std::string, 5>>* table) {
  for (const Row& row : groups[g].rows) {
    table->push_back({JoinPath(groups[g].path, row.name), row.type, row.required ? "yes" : "no",
                      row.default_value, TextDescription(row)});
    if (row.child_group >= 0) AddTextRows(groups, static_cast<size_t>(row.child_group), table);
  }
}

}  // namespace

std::string SpecToMarkdown(std::string_view kind, std::string_view name, std::string_view summary,
                           const ConfigSpec& spec, std::string_view example_yaml) {
  // The heading is the bare name so that its anchor is the name ("#json_to_arrow"); the page says
  // the kind.
  std::string out = fmt::format("## `{}`\n\n", name);
  if (!summary.empty()) out += fmt::format("{}\n\n", summary);
  if (!spec.description().empty() && spec.description() != summary) {
    out += fmt::format("{}\n\n", spec.description());
  }
  std::vector<Group> groups = Groups(spec);
  if (groups.front().rows.empty()) {
    out += fmt::format("This {} has no options.\n\n", kind);
  }
  for (const Group& group : groups) {
    if (group.rows.empty() && group.path.empty()) continue;
    if (!group.path.empty()) {
      out += fmt::format("### `{}` options\n\n", group.path);
      if (!group.description.empty()) out += fmt::format("{}\n\n", group.description);
      if (group.rows.empty()) {
        out += "No options.\n\n";
        continue;
      }
    }
    out += "| Option | Type | Required | Default | Description | Allowed values |\n";
    out += "|---|---|---|---|---|---|\n";
    for (const Row& row : group.rows) {
      std::string description = row.description;
      if (!row.aliases.empty()) {
        description += fmt::format(" Also accepted as {}.", CodeList(row.aliases));
      }
      std::string allowed = row.bounds;
      if (!row.enum_values.empty()) {
        if (!allowed.empty()) allowed += "; ";
        allowed += CodeList(row.enum_values);
      }
      out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", Code(row.name), Cell(row.type),
                         row.required ? "yes" : "no",
                         row.default_value.empty() ? "" : Cell(Code(row.default_value)),
                         Cell(description), Cell(allowed));
    }
    out += "\n";
  }
  std::string example = TrimTrailingNewlines(example_yaml);
  if (!example.empty()) out += fmt::format("### Example\n\n```yaml\n{}\n```\n", example);
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') {
    out.pop_back();
  }
  return out;
}

std::string SpecToText(std::string_view kind, std::string_view name, std::string_view summary,
                       const ConfigSpec& spec, std::string_view example_yaml) {
  std::string out = fmt::format("{} ({})\n", name, kind);
  if (!summary.empty()) out += fmt::format("\n  {}\n", summary);
  if (!spec.description().empty() && spec.description() != summary) {
    out += fmt::format("\n  {}\n", spec.description());
  }

  std::vector<std::array<std::string, 5>> table;
  table.push_back({"NAME", "TYPE", "REQUIRED", "DEFAULT", "DESCRIPTION"});
  AddTextRows(Groups(spec), 0, &table);
  if (table.size() == 1) {
    out += "\nNo options.\n";
  } else {
    std::array<size_t, 4> width{};
    for (const auto& r : table) {
      for (size_t c = 0; c < width.size(); ++c) width[c] = std::max(width[c], r[c].size());
    }
    out += "\nOptions:\n";
    for (const auto& r : table) {
      std::string line = "  ";
      for (size_t c = 0; c < width.size(); ++c) {
        line += r[c];
        line.append(width[c] - r[c].size() + 2, ' ');
      }
      line += r[4];
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
  }

  std::string example = TrimTrailingNewlines(example_yaml);
  if (!example.empty()) {
    out += "\nExample:\n";
    size_t start = 0;
    while (start <= example.size()) {
      size_t end = example.find('\n', start);
      if (end == std::string::npos) end = example.size();
      std::string_view line(example.data() + start, end - start);
      out += line.empty() ? "\n" : fmt::format("  {}\n", line);
      start = end + 1;
    }
  }
  return out;
}

}  // namespace ark
