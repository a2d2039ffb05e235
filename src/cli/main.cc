// arkflow: the command-line entry point.
//
//   arkflow run -c pipeline.yaml        run streams until they end or a signal stops them
//   arkflow -c pipeline.yaml            ArkFlow's spelling of the same (plus --validate)
//   arkflow validate -c pipeline.yaml   check the configuration and build every component
//   arkflow components list [-k KIND]   the catalogue
//   arkflow components show KIND NAME   one component's options, from its config spec
//   arkflow schema                      JSON Schema of the configuration
//   arkflow docs DIR                    write the component reference (markdown)
//   arkflow --version
#include <cstdio>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/builtin_components.h"
#include "cli/commands.h"

#ifndef ARKFLOW_VERSION
#define ARKFLOW_VERSION "0.1.0"
#endif

int main(int argc, char** argv) {
  using namespace ark;
  Registry registry;
  RegisterBuiltinComponents(registry);

  CLI::App app{"ArkFlow C++: a stream processing engine (YAML pipelines, ArkFlow-compatible)",
               "arkflow"};
  app.set_version_flag("-V,--version", std::string("arkflow ") + ARKFLOW_VERSION);
  app.require_subcommand(0, 1);

  cli::RunOptions top;
  bool top_validate = false;
  app.add_option("-c,--config", top.config_path,
                 "Pipeline configuration (YAML, or a SQL job: *.sql)");
  app.add_flag("--validate", top_validate, "Only validate the configuration");

  cli::RunOptions run_opts;
  auto* run =
      app.add_subcommand("run", "Run the pipeline (the embedded demo when -c is not given)");
  run->add_option("-c,--config", run_opts.config_path,
                  "Pipeline configuration (YAML, or a SQL job: *.sql)");
  run->add_flag("--validate", run_opts.validate_only, "Only validate the configuration");
  bool no_progress = false, no_summary = false;
  run->add_flag("--no-progress", no_progress, "Never show the progress line");
  run->add_flag("--no-summary", no_summary, "Do not print the summary line at the end");

  std::string validate_path;
  auto* validate = app.add_subcommand("validate", "Validate a configuration without running it");
  validate
      ->add_option("-c,--config", validate_path,
                   "Pipeline configuration (YAML, or a SQL job: *.sql)")
      ->required();

  auto* components = app.add_subcommand("components", "List and describe the built-in components");
  components->require_subcommand(1);
  std::string list_kind;
  auto* list = components->add_subcommand("list", "List components, optionally of one kind");
  list->add_option("-k,--kind", list_kind, "input, buffer, processor, output or codec");
  std::string show_kind, show_name;
  auto* show = components->add_subcommand("show", "Show one component's options");
  show->add_option("kind", show_kind, "input, buffer, processor, output or codec")->required();
  show->add_option("name", show_name, "The component's type name")->required();

  auto* schema = app.add_subcommand("schema", "Print the JSON Schema of the configuration");
  std::string docs_dir;
  auto* docs = app.add_subcommand("docs", "Write the component reference as markdown");
  docs->add_option("dir", docs_dir, "Output directory")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (*run) {
    run_opts.progress = !no_progress;
    run_opts.summary = !no_summary;
    return cli::Run(registry, run_opts);
  }
  if (*validate) return cli::Validate(registry, validate_path);
  if (*list) {
    return cli::ListComponents(registry,
                               list_kind.empty() ? std::nullopt : std::optional(list_kind));
  }
  if (*show) return cli::ShowComponent(registry, show_kind, show_name);
  if (*schema) return cli::PrintSchema(registry);
  if (*docs) return cli::GenerateDocs(registry, docs_dir);

  // ArkFlow's form: arkflow --config FILE [--validate]
  if (!top.config_path.empty()) {
    if (top_validate) return cli::Validate(registry, top.config_path);
    return cli::Run(registry, top);
  }
  fmt::print(stderr, "{}", app.help());
  return cli::kExitUsage;
}
