#include "runtime/registry.h"

#include "base/strings.h"
#include "runtime/event_time.h"

namespace ark {

std::string_view ComponentKindName(ComponentKind k) {
  switch (k) {
    case ComponentKind::kInput:
      return "input";
    case ComponentKind::kBuffer:
      return "buffer";
    case ComponentKind::kProcessor:
      return "processor";
    case ComponentKind::kOutput:
      return "output";
    case ComponentKind::kCodec:
      return "codec";
  }
  return "component";
}

Result<ComponentKind> ParseComponentKind(std::string_view name) {
  for (auto k : {ComponentKind::kInput, ComponentKind::kBuffer, ComponentKind::kProcessor,
                 ComponentKind::kOutput, ComponentKind::kCodec}) {
    if (name == ComponentKindName(k)) return k;
    if (name.size() == ComponentKindName(k).size() + 1 && name.back() == 's' &&
        name.substr(0, name.size() - 1) == ComponentKindName(k)) {
      return k;
    }
  }
  std::vector<std::string> kinds = {"input", "buffer", "processor", "output", "codec"};
  return Status::InvalidArgument("unknown component kind \"{}\"{}; expected one of: {}", name,
                                 DidYouMean(name, kinds), JoinStrings(kinds, ", "));
}

void Registry::Add(ComponentKind kind, Entry entry) {
  // `type` selects the component; `name` labels it (ArkFlow accepts both on every component).
  entry.info.spec.Ignore("type").Ignore("name");
  std::string name = entry.info.name;
  auto [it, inserted] = entries_[kind].try_emplace(name, std::move(entry));
  ARK_CHECK(inserted, "component registered twice");
}

void Registry::AddInput(ComponentInfo info, Factory<Input> factory) {
  // Every input may declare its event time; the stream, not the input, acts on it.
  info.spec.Object("event_time",
                   "Event time of the rows this input produces (they need typed columns: set a "
                   "codec): the stream tracks the watermark, sends it downstream in band, and "
                   "sends late rows to error_output.",
                   EventTimeSpec());
  Entry e{std::move(info)};
  e.input = std::move(factory);
  Add(ComponentKind::kInput, std::move(e));
}
void Registry::AddBuffer(ComponentInfo info, Factory<StreamBuffer> factory) {
  Entry e{std::move(info)};
  e.buffer = std::move(factory);
  Add(ComponentKind::kBuffer, std::move(e));
}
void Registry::AddProcessor(ComponentInfo info, Factory<Processor> factory) {
  Entry e{std::move(info)};
  e.processor = std::move(factory);
  Add(ComponentKind::kProcessor, std::move(e));
}
void Registry::AddOutput(ComponentInfo info, Factory<Output> factory) {
  Entry e{std::move(info)};
  e.output = std::move(factory);
  Add(ComponentKind::kOutput, std::move(e));
}
void Registry::AddCodec(ComponentInfo info, Factory<Decoder> decoder, Factory<Encoder> encoder) {
  Entry e{std::move(info)};
  e.decoder = std::move(decoder);
  e.encoder = std::move(encoder);
  Add(ComponentKind::kCodec, std::move(e));
}

Result<std::pair<const Registry::Entry*, ComponentConfig>> Registry::Resolve(
    ComponentKind kind, const ConfigValue& node) const {
  std::string_view kind_name = ComponentKindName(kind);
  if (!node.is_map()) {
    return node.Error(fmt::format("expected a {} section (a map with a `type` key), got {}",
                                  kind_name, node.is_null() ? "nothing" : node.ToString()));
  }
  const ConfigValue* type = node.Get("type");
  if (type == nullptr || !type->is_scalar() || type->text().empty()) {
    return node.Error(fmt::format("missing required key `type` for the {}", kind_name));
  }
  auto kit = entries_.find(kind);
  std::vector<std::string> known;
  if (kit != entries_.end()) {
    auto it = kit->second.find(type->text());
    if (it != kit->second.end()) {
      ARK_ASSIGN_OR_RETURN(
          ComponentConfig cfg,
          it->second.info.spec.Parse(node, fmt::format("{} \"{}\"", kind_name, type->text())));
      return std::make_pair(&it->second, std::move(cfg));
    }
    for (const auto& [name, _] : kit->second) known.push_back(name);
  }
  return type->Error(fmt::format("unknown {} type \"{}\"{}; known {} types: {}", kind_name,
                                 type->text(), DidYouMean(type->text(), known), kind_name,
                                 JoinStrings(known, ", ")));
}

#define ARK_REGISTRY_MAKE(Method, T, kind, member)                                            \
  Result<std::unique_ptr<T>> Registry::Method(const ConfigValue& node,                        \
                                              const ComponentContext& ctx) const {            \
    ARK_ASSIGN_OR_RETURN(auto resolved, Resolve(kind, node));                                 \
    const Entry* entry = resolved.first;                                                      \
    if (!entry->member) {                                                                     \
      return node.Error(fmt::format("{} \"{}\" cannot be used here", ComponentKindName(kind), \
                                    entry->info.name));                                       \
    }                                                                                         \
    return entry->member(resolved.second, ctx);                                               \
  }

ARK_REGISTRY_MAKE(MakeInput, Input, ComponentKind::kInput, input)
ARK_REGISTRY_MAKE(MakeBuffer, StreamBuffer, ComponentKind::kBuffer, buffer)
ARK_REGISTRY_MAKE(MakeProcessor, Processor, ComponentKind::kProcessor, processor)
ARK_REGISTRY_MAKE(MakeOutput, Output, ComponentKind::kOutput, output)
ARK_REGISTRY_MAKE(MakeDecoder, Decoder, ComponentKind::kCodec, decoder)
ARK_REGISTRY_MAKE(MakeEncoder, Encoder, ComponentKind::kCodec, encoder)
#undef ARK_REGISTRY_MAKE

std::vector<const ComponentInfo*> Registry::List(ComponentKind kind) const {
  std::vector<const ComponentInfo*> out;
  auto kit = entries_.find(kind);
  if (kit == entries_.end()) return out;
  for (const auto& [_, e] : kit->second) out.push_back(&e.info);
  return out;
}

const ComponentInfo* Registry::Find(ComponentKind kind, std::string_view name) const {
  auto kit = entries_.find(kind);
  if (kit == entries_.end()) return nullptr;
  auto it = kit->second.find(name);
  return it == kit->second.end() ? nullptr : &it->second.info;
}

}  // namespace ark
