// Registry: the component catalogue. Every input, buffer, processor, output and codec is registered
// under its config `type` with its ConfigSpec, a one-line summary, an example and a factory.
// Registration is an explicit list (cli/builtin_components.cc calls each component's Register
// function), never static-initialiser side effects (DESIGN §3).
//
//   void RegisterGenerateInput(Registry& r) {
//     r.AddInput({.name = "generate", .summary = "...", .spec = Spec(), .example = "..."},
//                [](const ComponentConfig& cfg, const ComponentContext& ctx)
//                    -> Result<std::unique_ptr<Input>> { ... });
//   }
//   ARK_ASSIGN_OR_RETURN(auto input, registry.MakeInput(stream.input, ctx));
//
// Thread-safety: filled at start-up by one thread; read-only (and then thread-safe) afterwards.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "codec/codec.h"
#include "config/config_spec.h"
#include "config/config_value.h"
#include "runtime/input.h"
#include "runtime/output.h"
#include "runtime/processor.h"
#include "runtime/stream_buffer.h"

namespace ark {

enum class ComponentKind { kInput, kBuffer, kProcessor, kOutput, kCodec };

std::string_view ComponentKindName(ComponentKind k);  // "input", "buffer", ...
Result<ComponentKind> ParseComponentKind(std::string_view name);

struct ComponentInfo {
  std::string name;     // the config `type`
  std::string summary;  // one line
  ConfigSpec spec;
  std::string example;  // a YAML snippet of the component section
};

class Registry;

// What a factory knows about where its component sits.
struct ComponentContext {
  std::string stream_id;  // "stream-0"
  std::string label;      // "input", "processor[1]", "output", "error_output"
  const Registry* registry = nullptr;
};

template <typename T>
using Factory =
    std::function<Result<std::unique_ptr<T>>(const ComponentConfig&, const ComponentContext&)>;

class Registry {
 public:
  void AddInput(ComponentInfo info, Factory<Input> factory);
  void AddBuffer(ComponentInfo info, Factory<StreamBuffer> factory);
  void AddProcessor(ComponentInfo info, Factory<Processor> factory);
  void AddOutput(ComponentInfo info, Factory<Output> factory);
  // A codec provides both directions; either factory may be null when unsupported.
  void AddCodec(ComponentInfo info, Factory<Decoder> decoder, Factory<Encoder> encoder);

  // Builds from a component node ({type: ..., options...}): finds `type` (NotFound with "did you
  // mean" and the list of known types), validates the options against the spec, calls the factory.
  // Errors carry the node's position and path.
  Result<std::unique_ptr<Input>> MakeInput(const ConfigValue& node,
                                           const ComponentContext& ctx) const;
  Result<std::unique_ptr<StreamBuffer>> MakeBuffer(const ConfigValue& node,
                                                   const ComponentContext& ctx) const;
  Result<std::unique_ptr<Processor>> MakeProcessor(const ConfigValue& node,
                                                   const ComponentContext& ctx) const;
  Result<std::unique_ptr<Output>> MakeOutput(const ConfigValue& node,
                                             const ComponentContext& ctx) const;
  Result<std::unique_ptr<Decoder>> MakeDecoder(const ConfigValue& node,
                                               const ComponentContext& ctx) const;
  Result<std::unique_ptr<Encoder>> MakeEncoder(const ConfigValue& node,
                                               const ComponentContext& ctx) const;

  // Catalogue access for `components list/show`, the JSON Schema and the docs.
  std::vector<const ComponentInfo*> List(ComponentKind kind) const;
  const ComponentInfo* Find(ComponentKind kind, std::string_view name) const;

 private:
  struct Entry {
    ComponentInfo info;
    Factory<Input> input;
    Factory<StreamBuffer> buffer;
    Factory<Processor> processor;
    Factory<Output> output;
    Factory<Decoder> decoder;
    Factory<Encoder> encoder;
  };
  void Add(ComponentKind kind, Entry entry);
  // Resolves the entry for `node`'s type and parses its options.
  Result<std::pair<const Entry*, ComponentConfig>> Resolve(ComponentKind kind,
                                                           const ConfigValue& node) const;

  std::map<ComponentKind, std::map<std::string, Entry, std::less<>>> entries_;
};

}  // namespace ark
