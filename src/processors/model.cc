#include "processors/model.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/column_builder.h"
#include "core/raw_message.h"
#include "ml/features.h"
#include "ml/model_registry.h"

namespace ark {
namespace {

DataType ColumnType(const ModelOutputColumn& c, int64_t width) {
  switch (c.kind) {
    case ModelOutputColumn::Kind::kArgmax:
      return c.labels.empty() ? DataType::Int64() : DataType::String();
    case ModelOutputColumn::Kind::kThreshold:
      return DataType::Bool();
    case ModelOutputColumn::Kind::kValues:
      break;
  }
  if (c.type == "float64") return DataType::Float64();
  if (c.type == "float32") return DataType::Float32();
  if (c.type == "list<float32>") return DataType::List(DataType::Float32());
  return width == 1 ? DataType::Float32() : DataType::List(DataType::Float32());
}

ColumnPtr Argmax(const ml::Tensor& t, const std::vector<std::string>& labels) {
  std::vector<int64_t> best(static_cast<size_t>(t.rows));
  for (int64_t r = 0; r < t.rows; ++r) {
    const float* row = t.values.data() + r * t.cols;
    best[static_cast<size_t>(r)] = std::max_element(row, row + t.cols) - row;
  }
  if (labels.empty()) {
    Int64Builder b(DataType::Int64());
    b.AppendValues(best.data(), t.rows);
    return b.Finish();
  }
  StringBuilder b;
  for (int64_t i : best) b.Append(labels[static_cast<size_t>(i)]);
  return b.Finish();
}

ColumnPtr Threshold(const ml::Tensor& t, double threshold) {
  BoolBuilder b;
  b.Reserve(t.rows);
  for (int64_t r = 0; r < t.rows; ++r) b.Append(static_cast<double>(t.values[r]) >= threshold);
  return b.Finish();
}

ColumnPtr Values(const ml::Tensor& t, const DataType& type) {
  if (type.id() == TypeId::kList) return ml::TensorListColumn(t);
  if (type.id() == TypeId::kFloat32) return ml::TensorColumn(t, 0);
  Float64Builder b(DataType::Float64());
  b.Reserve(t.rows);
  for (int64_t r = 0; r < t.rows; ++r) b.Append(static_cast<double>(t.values[r]));
  return b.Finish();
}

}  // namespace

ModelProcessor::ModelProcessor(ModelProcessorOptions options) : options_(std::move(options)) {
  for (const std::string& name : options_.inputs) {
    input_labels_.push_back(fmt::format("column \"{}\"", name));
  }
}

Result<std::unique_ptr<ModelProcessor>> ModelProcessor::Make(ModelProcessorOptions options) {
  const ml::Model& model = *options.model;
  if (options.inputs.empty()) return Status::ConfigError("`inputs` must name at least one column");
  if (options.outputs.empty()) {
    for (size_t i = 0; i < model.output_names().size(); ++i) {
      ModelOutputColumn c;
      c.name = model.output_names()[i];
      c.output = c.name;
      options.outputs.push_back(std::move(c));
    }
  }
  for (size_t i = 0; i < options.outputs.size(); ++i) {
    ModelOutputColumn& c = options.outputs[i];
    if (c.output.empty()) {
      c.output_index = i < model.output_names().size() ? static_cast<int>(i) : 0;
      c.output =
          model.output_names().empty() ? std::string() : model.output_names()[c.output_index];
    } else {
      c.output_index = model.OutputIndex(c.output);
      if (c.output_index < 0) {
        return Status::ConfigError("outputs[{}]: {} has no output \"{}\" (outputs: {})", i,
                                   model.Describe(), c.output,
                                   fmt::join(model.output_names(), ", "));
      }
    }
    if (c.kind != ModelOutputColumn::Kind::kValues && !c.type.empty()) {
      return Status::ConfigError(
          "outputs[{}] (\"{}\"): `type` applies to plain values; argmax gives int64 (string with "
          "labels) and threshold gives bool",
          i, c.name);
    }
  }
  std::unique_ptr<ModelProcessor> p(new ModelProcessor(std::move(options)));
  // When the model's width is known, a misfit output shows now rather than on the first batch.
  if (model.features() > 0) {
    ARK_ASSIGN_OR_RETURN(std::vector<int64_t> widths, model.OutputWidths(model.features()));
    ARK_RETURN_IF_ERROR(p->CheckWidths(widths));
  }
  return p;
}

Status ModelProcessor::CheckWidths(const std::vector<int64_t>& widths) const {
  for (const ModelOutputColumn& c : options_.outputs) {
    const int64_t w = widths[static_cast<size_t>(c.output_index)];
    const std::string what = fmt::format(
        "output column \"{}\" (model output \"{}\", {} value{} "
        "per row)",
        c.name, c.output, w, w == 1 ? "" : "s");
    switch (c.kind) {
      case ModelOutputColumn::Kind::kArgmax:
        if (!c.labels.empty() && static_cast<int64_t>(c.labels.size()) != w) {
          return Status::ConfigError("{}: `labels` has {} names, one per value is needed", what,
                                     c.labels.size());
        }
        break;
      case ModelOutputColumn::Kind::kThreshold:
        if (w != 1) {
          return Status::ConfigError(
              "{}: `threshold` needs one value per row (use argmax for class scores)", what);
        }
        break;
      case ModelOutputColumn::Kind::kValues:
        if ((c.type == "float32" || c.type == "float64") && w != 1) {
          return Status::ConfigError(
              "{}: type {} holds one value per row; use list<float32>, argmax or labels", what,
              c.type);
        }
        break;
    }
  }
  return Status::OK();
}

Result<Batch> ModelProcessor::Run(const Batch& batch, std::vector<Batch>* errors) const {
  const ml::Model& model = *options_.model;
  std::vector<ml::FeatureInput> inputs;
  inputs.reserve(options_.inputs.size());
  for (size_t i = 0; i < options_.inputs.size(); ++i) {
    const std::string& name = options_.inputs[i];
    ColumnPtr c = batch.ColumnByName(name);
    if (c == nullptr) {
      std::vector<std::string> have;
      for (const Field& f : batch.schema()->fields()) have.push_back(f.name);
      return Status::NotFound("{}: input column \"{}\" is not in the batch (columns: {})",
                              model.Describe(), name, fmt::join(have, ", "));
    }
    inputs.push_back({input_labels_[i], std::move(c)});
  }
  std::vector<ml::RejectedRow> rejected;
  Result<ml::FeatureMatrix> m =
      ml::PackValidRows(inputs, batch.num_rows(), model.features(), &rejected);
  if (!m.ok()) {
    return Status(m.status().code(), fmt::format("{}: {}", model.Describe(), m.status().message()));
  }
  if (model.features() > 0 && m->cols != model.features()) {
    return Status::InvalidArgument("{} takes {} features per row; the inputs ({}) hold {}",
                                   model.Describe(), model.features(),
                                   fmt::join(options_.inputs, ", "), m->cols);
  }
  // Rows the model cannot take go to error_output, each with its own reason; the others go on.
  if (!rejected.empty()) {
    std::vector<int64_t> rows;
    StringBuilder reasons;
    for (const ml::RejectedRow& r : rejected) {
      rows.push_back(r.row);
      reasons.Append(fmt::format(
          "{}: {}; {}", model.Describe(), r.reason,
          r.problem == ml::RejectedRow::Problem::kNull
              ? "a model needs a value in every input (replace nulls first, e.g. with COALESCE "
                "in a sql processor, or filter those rows out)"
              : "every row of a list input must hold the model's number of features"));
    }
    ARK_ASSIGN_OR_RETURN(
        Batch bad,
        TakeRows(batch, rows)
            .SetColumn(Field(std::string(kErrorColumn), DataType::String()), reasons.Finish()));
    errors->push_back(std::move(bad));
    if (m->rows == 0) return TakeRows(batch, std::span<const int64_t>());
  }
  const Batch good = m->source_rows.empty() ? batch : TakeRows(batch, m->source_rows);
  ARK_ASSIGN_OR_RETURN(std::vector<ml::Tensor> out,
                       model.Infer(m->values.data(), m->rows, m->cols));
  if (model.features() <= 0) {
    std::vector<int64_t> widths;
    for (const ml::Tensor& t : out) widths.push_back(t.cols);
    Status st = CheckWidths(widths);
    if (!st.ok()) return Status::InvalidArgument("{}", st.message());
  }
  Batch result = good;
  for (const ModelOutputColumn& c : options_.outputs) {
    const ml::Tensor& t = out[static_cast<size_t>(c.output_index)];
    const DataType type = ColumnType(c, t.cols);
    ColumnPtr col;
    switch (c.kind) {
      case ModelOutputColumn::Kind::kArgmax:
        col = Argmax(t, c.labels);
        break;
      case ModelOutputColumn::Kind::kThreshold:
        col = Threshold(t, c.threshold);
        break;
      case ModelOutputColumn::Kind::kValues:
        col = Values(t, type);
        break;
    }
    ARK_ASSIGN_OR_RETURN(result, result.SetColumn(Field(c.name, type), std::move(col)));
  }
  return result;
}

Status ModelProcessor::Process(Batch batch, ProcessOutput* out) {
  if (batch.num_rows() == 0) return Status::OK();
  ARK_ASSIGN_OR_RETURN(Batch result, Run(batch, &out->errors));
  if (result.num_rows() > 0) out->batches.push_back(std::move(result));
  return Status::OK();
}

void RegisterModelProcessor(Registry& registry) {
  ConfigSpec output("One column made from one model output.");
  output.String("name", "The column to add (an existing column of that name is replaced).")
      .Required();
  output.String("output",
                "The model output it comes from (default: the output at this entry's position).");
  output
      .String("type",
              "Plain values: float32 or float64 for one value per row, list<float32> for more "
              "(default: by the output's width).")
      .OneOf({"float32", "float64", "list<float32>"});
  output.Bool("argmax", "The index of the largest value (int64), e.g. the predicted class.")
      .Default("false");
  output.StringList("labels",
                    "Names of the values, one per value: the column holds the name of the largest "
                    "(string); implies argmax.");
  output.Float("threshold", "The column holds value >= threshold (bool); one-value outputs.");

  ConfigSpec spec(
      "Runs a model declared under `models:` over each batch: the input columns are packed into "
      "one [rows, features] float32 matrix, the model runs once, its outputs become columns.");
  spec.String("model", "Name of the model (a `models:` entry).").Required();
  spec.StringList("inputs",
                  "Feature columns, in the order the model takes them: numbers (one feature) or "
                  "lists of numbers (one feature per element).")
      .Required();
  spec.ObjectList("outputs", "Columns to add; default: every model output, named after it.",
                  std::move(output));
  registry.AddProcessor(
      {.name = "model",
       .summary = "Runs an ONNX, TorchScript or XGBoost model over each batch.",
       .spec = std::move(spec),
       .example =
           "# at the top level: models: [{name: fraud, backend: xgboost, path: fraud.json}]\n"
           "processors:\n"
           "  - type: json_to_arrow\n"
           "  - type: model\n"
           "    model: fraud\n"
           "    inputs: [amount, hour, velocity, distance_km]\n"
           "    outputs:\n"
           "      - name: score\n"
           "      - name: flagged\n"
           "        output: prediction\n"
           "        threshold: 0.8\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext&) -> Result<std::unique_ptr<Processor>> {
        ModelProcessorOptions options;
        Result<std::shared_ptr<const ml::Model>> model =
            ml::InstalledModelRegistry()->Get(cfg.GetString("model"));
        if (!model.ok()) return cfg.NodeOf("model").Error(model.status().message());
        options.model = std::move(model).value();
        options.inputs = cfg.GetStringList("inputs");
        std::vector<ComponentConfig> outputs = cfg.GetObjectList("outputs");
        for (size_t i = 0; i < outputs.size(); ++i) {
          const ComponentConfig& o = outputs[i];
          ModelOutputColumn c;
          c.name = o.GetString("name");
          c.output = o.GetString("output");
          c.type = o.GetString("type");
          c.labels = o.GetStringList("labels");
          const bool argmax = o.GetBool("argmax") || !c.labels.empty();
          if (argmax && o.IsSet("threshold")) {
            return o.node().Error(
                "an output is either argmax (with labels) or threshold, not both");
          }
          if (argmax) c.kind = ModelOutputColumn::Kind::kArgmax;
          if (o.IsSet("threshold")) {
            c.kind = ModelOutputColumn::Kind::kThreshold;
            c.threshold = o.GetFloat("threshold");
          }
          options.outputs.push_back(std::move(c));
        }
        Result<std::unique_ptr<ModelProcessor>> p = ModelProcessor::Make(std::move(options));
        if (!p.ok()) return cfg.node().Error(p.status().message());
        return std::unique_ptr<Processor>(std::move(p).value());
      });
}

}  // namespace ark
