#include "config/spec_docs.h"

#include <gtest/gtest.h>

#include "config/engine_config.h"

namespace ark {
namespace {

ConfigSpec FileSpec() {
  ConfigSpec tls("TLS settings.");
  tls.Bool("enabled", "Use TLS.").Default("false");
  tls.String("ca_file", "CA file | PEM.");
  ConfigSpec spec("Reads lines from a file.");
  spec.String("path", "File to read.").Required();
  spec.String("mode", "Read mode.").OneOf({"lines", "whole"}).Default("lines");
  spec.Int("batch_size", "Lines per batch.").Default("1024").Min(1).Max(65536);
  spec.StringList("globs", "Patterns.").Alias("patterns").Min(1);
  spec.Object("tls", "TLS.", std::move(tls));
  spec.Component("codec", "Decoder.", "codec");
  return spec;
}

constexpr std::string_view kExample =
    "input:\n  type: file\n  path: /data/in.json\n\n  codec:\n    type: json\n";

TEST(SpecDocsTest, Markdown) {
  EXPECT_EQ(SpecToMarkdown("input", "file", "Reads a file line by line.", FileSpec(), kExample),
            R"(## `file`

Reads a file line by line.

Reads lines from a file.

| Option | Type | Required | Default | Description | Allowed values |
|---|---|---|---|---|---|
| `path` | string | yes |  | File to read. |  |
| `mode` | string | no | `lines` | Read mode. | `lines`, `whole` |
| `batch_size` | integer | no | `1024` | Lines per batch. | 1 to 65536 |
| `globs` | list of strings | no |  | Patterns. Also accepted as `patterns`. | at least 1 item |
| `tls` | object | no |  | TLS. |  |
| `codec` | codec component | no |  | Decoder. |  |

### `tls` options

TLS.

| Option | Type | Required | Default | Description | Allowed values |
|---|---|---|---|---|---|
| `enabled` | bool | no | `false` | Use TLS. |  |
| `ca_file` | string | no |  | CA file \| PEM. |  |

### Example

```yaml
input:
  type: file
  path: /data/in.json

  codec:
    type: json
```
)");
}

TEST(SpecDocsTest, Text) {
  EXPECT_EQ(SpecToText("input", "file", "Reads a file line by line.", FileSpec(), kExample),
            R"(file (input)

  Reads a file line by line.

  Reads lines from a file.

Options:
  NAME         TYPE             REQUIRED  DEFAULT  DESCRIPTION
  path         string           yes                File to read.
  mode         string           no        lines    Read mode. (one of lines, whole)
  batch_size   integer          no        1024     Lines per batch. (1 to 65536)
  globs        list of strings  no                 Patterns. (at least 1 item; alias patterns)
  tls          object           no                 TLS.
  tls.enabled  bool             no        false    Use TLS.
  tls.ca_file  string           no                 CA file | PEM.
  codec        codec component  no                 Decoder.

Example:
  input:
    type: file
    path: /data/in.json

    codec:
      type: json
)");
}

TEST(SpecDocsTest, NoOptionsNoExample) {
  ConfigSpec none("Discards everything.");
  EXPECT_EQ(SpecToMarkdown("output", "drop", "Discards everything.", none, ""),
            "## `drop`\n\nDiscards everything.\n\nThis output has no options.\n");
  EXPECT_EQ(SpecToText("output", "drop", "Discards everything.", none, ""),
            "drop (output)\n\n  Discards everything.\n\nNo options.\n");
}

TEST(SpecDocsTest, ObjectListsAndComponentListsInTheEngineSpec) {
  std::string text = SpecToText("config", "arkflow", "", EngineConfigSpec(), "");
  EXPECT_NE(text.find("\n  streams                        list of objects               yes       "
                      "                The streams this engine runs. (at least 1 item)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\n  streams[].pipeline.processors  list of processor components  no      "
                      "                  Processors applied in order to every batch.\n"),
            std::string::npos)
      << text;
  std::string md = SpecToMarkdown("config", "arkflow", "", EngineConfigSpec(), "");
  EXPECT_NE(md.find("### `streams[].pipeline` options\n\nProcessing between input and output; "
                    "none when omitted.\n\n| Option |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| `thread_num` | integer | no | `1` | Worker threads running the processors; "
                    "output order is kept. | 1 to 1024 |\n"),
            std::string::npos)
      << md;
}

}  // namespace
}  // namespace ark
