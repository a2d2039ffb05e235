#include "connectors/file/file_input.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include "connectors/common/codec_option.h"
#include "connectors/common/input_util.h"
#include "core/column_builder.h"
#include "core/raw_message.h"

namespace ark {

FileInput::FileInput(FileInputOptions options, ComponentContext ctx)
    : options_(std::move(options)),
      ctx_(std::move(ctx)),
      error_component_(InputErrorComponent(ctx_, "file")),
      reader_({.read_bytes = options_.read_bytes,
               .max_line_bytes = options_.max_line_bytes,
               .record_boundary = options_.codec ? RecordBoundaryOf(*options_.codec)
                                                 : LineReader::RecordBoundary()}) {
  if (options_.batch_size < 1) options_.batch_size = 1;
  if (options_.codec) {
    mode_ = FramingOf(*options_.codec) == CodecFraming::kBytes ? Mode::kBytes : Mode::kDecoded;
  }
  raw_schema_ = Schema::Make({Field(std::string(kValueColumn), DataType::Binary()),
                              Field(std::string(kMetaSource), DataType::String()),
                              Field(std::string(kMetaOffset), DataType::Int64())});
}

FileInput::~FileInput() { CloseFile(); }

Status FileInput::Connect() {
  if (connected_) return Status::OK();
  const std::string& pattern = options_.path;
  std::vector<std::string> candidates;
  struct stat st;
  if (::stat(pattern.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    // A plain file name is taken as is, even if it contains glob characters.
    candidates.push_back(pattern);
  } else {
    glob_t g{};
    int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) candidates.emplace_back(g.gl_pathv[i]);
    }
    ::globfree(&g);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      return Status::IoError("file input: cannot expand \"{}\" (glob error {})", pattern, rc);
    }
  }
  int64_t total = 0;
  for (auto& path : candidates) {
    if (::stat(path.c_str(), &st) != 0) {
      return Status::FromErrno(errno, fmt::format("file input: {}", path));
    }
    if (S_ISDIR(st.st_mode)) continue;
    total += static_cast<int64_t>(st.st_size);
    files_.push_back(std::move(path));
  }
  if (files_.empty()) {
    std::string where;
    if (!pattern.empty() && pattern[0] != '/') {
      char cwd[4096];
      if (::getcwd(cwd, sizeof(cwd)) != nullptr) where = fmt::format(" (relative to {})", cwd);
    }
    return Status::NotFound("file input: no file matches \"{}\"{}", pattern, where);
  }
  total_bytes_.store(total, std::memory_order_relaxed);
  connected_ = true;
  return Status::OK();
}

Status FileInput::OpenNext() {
  current_ = files_[next_file_++];
  fd_ = ::open(current_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return Status::FromErrno(errno, fmt::format("file input: opening {}", current_));
  reader_.Reset();
  source_.reset();
  decoder_.reset();
  if (options_.codec) {
    ARK_ASSIGN_OR_RETURN(decoder_, MakeCodecDecoder(*options_.codec, ctx_));
  }
  return Status::OK();
}

void FileInput::CloseFile() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status FileInput::Close() {
  CloseFile();
  pending_.clear();
  return Status::OK();
}

std::optional<std::pair<int64_t, int64_t>> FileInput::Progress() const {
  int64_t total = total_bytes_.load(std::memory_order_relaxed);
  if (total == 0) return std::nullopt;
  return std::make_pair(read_bytes_.load(std::memory_order_relaxed), total);
}

ColumnPtr FileInput::SourceColumn(int64_t rows) {
  if (source_ == nullptr || source_->length() < rows) {
    StringBuilder b;
    b.Reserve(rows);
    b.ReserveData(current_.size() * static_cast<size_t>(rows));
    for (int64_t i = 0; i < rows; ++i) b.UnsafeAppend(current_);
    source_ = b.Finish();
  }
  return source_->length() == rows ? source_ : source_->Slice(0, rows);
}

std::optional<Batch> FileInput::ErrorBatch(std::vector<RecordError> errors) const {
  if (errors.empty()) return std::nullopt;
  return MakeInputErrorBatch(errors, error_component_, current_);
}

Status FileInput::ReadRawLines() {
  const int64_t batch_size = options_.batch_size;
  BinaryBuilder values;
  Int64Builder offsets(DataType::Int64());
  values.Reserve(batch_size);
  offsets.Reserve(batch_size);
  std::vector<RecordError> errors;
  int64_t rows = 0;
  LineReader::Line line;
  while (rows < batch_size && values.data_size() < kMaxRawBatchBytes) {
    if (reader_.NextLine(&line)) {
      if (line.too_long) {
        errors.push_back(reader_.TooLongError(line));
        continue;
      }
      values.Append(line.text);
      offsets.UnsafeAppend(line.offset);
      ++rows;
      continue;
    }
    if (reader_.eof()) {
      CloseFile();
      break;
    }
    ARK_ASSIGN_OR_RETURN(size_t n, reader_.Fill(fd_, current_));
    read_bytes_.fetch_add(static_cast<int64_t>(n), std::memory_order_relaxed);
  }
  if (rows == 0 && errors.empty()) return Status::OK();
  Batch batch(raw_schema_, {values.Finish(), SourceColumn(rows), offsets.Finish()}, rows);
  pending_.push_back(InputBatch{std::move(batch), AckToken(), ErrorBatch(std::move(errors))});
  return Status::OK();
}

Status FileInput::Decoded(Result<DecodeResult> result) {
  if (!result.ok()) return result.status().WithContext(fmt::format("file input: {}", current_));
  DecodeResult r = std::move(result).value();
  AppendSliced(r.batch, options_.batch_size, ErrorBatch(std::move(r.errors)), &pending_);
  return Status::OK();
}

Status FileInput::ReadDecoded() {
  std::string_view text;
  ChunkPosition pos;
  LineReader::Line line;
  while (true) {
    switch (reader_.NextChunk(&text, &pos, &line)) {
      case LineReader::ChunkKind::kLines:
        return Decoded(decoder_->DecodeChunk(text, pos));
      case LineReader::ChunkKind::kTooLong:
        pending_.push_back(
            InputBatch{Batch(), AckToken(), ErrorBatch({reader_.TooLongError(line)})});
        return Status::OK();
      case LineReader::ChunkKind::kNone:
        break;
    }
    if (reader_.eof()) {
      CloseFile();
      return Status::OK();
    }
    ARK_ASSIGN_OR_RETURN(size_t n, reader_.Fill(fd_, current_));
    read_bytes_.fetch_add(static_cast<int64_t>(n), std::memory_order_relaxed);
  }
}

Status FileInput::ReadBytes() {
  std::string_view bytes;
  ChunkPosition pos;
  if (reader_.NextBytes(&bytes, &pos)) return Decoded(decoder_->DecodeChunk(bytes, pos));
  if (reader_.eof()) {
    CloseFile();
    return Status::OK();
  }
  ARK_ASSIGN_OR_RETURN(size_t n, reader_.Fill(fd_, current_));
  read_bytes_.fetch_add(static_cast<int64_t>(n), std::memory_order_relaxed);
  return Status::OK();
}

Result<InputBatch> FileInput::Read(std::stop_token stop) {
  ARK_RETURN_IF_ERROR(Connect());
  while (true) {
    if (!pending_.empty()) {
      InputBatch out = std::move(pending_.front());
      pending_.pop_front();
      return out;
    }
    if (stop.stop_requested()) return Status::Cancelled("file input stopped");
    if (fd_ < 0) {
      if (next_file_ >= files_.size()) {
        return Status::EndOfStream("file input: read {} file(s)", files_.size());
      }
      ARK_RETURN_IF_ERROR(OpenNext());
    }
    switch (mode_) {
      case Mode::kRawLines:
        ARK_RETURN_IF_ERROR(ReadRawLines());
        break;
      case Mode::kDecoded:
        ARK_RETURN_IF_ERROR(ReadDecoded());
        break;
      case Mode::kBytes:
        ARK_RETURN_IF_ERROR(ReadBytes());
        break;
    }
  }
}

namespace {

ConfigSpec InputTypeSpec() {
  ConfigSpec spec("ArkFlow's way to name the format and the path together.");
  // Required when `input_type` is given; checked by the factory (the object itself is optional).
  spec.String("type", "File format (required).").OneOf({"json", "csv", "arrow", "parquet", "avro"});
  spec.String("path", "A file or a glob pattern (required).");
  spec.Any("store", "Object storage (S3, GCS, ...): not supported yet, only local files.");
  return spec;
}

ConfigSpec FileInputSpec() {
  ConfigSpec spec(
      "Reads local files once, then ends the stream. Without a codec each line is a message: "
      "`__value__` (the line without its newline; a CRLF's '\\r' is removed), `__meta_source` "
      "(the file) and `__meta_offset` (the line's byte offset). With a codec the files are "
      "decoded (json lines, csv, arrow IPC) and the rows hold the decoded fields only (no "
      "`__meta_*` columns: read raw lines and decode with json_to_arrow to keep them); records it "
      "rejects, and lines longer than `max_line_bytes`, go to error_output with file, line and "
      "byte offset, and reading goes on.");
  spec.String("path",
              "A file or a glob(3) pattern such as data/*.ndjson; matches are read in name order "
              "and directories are skipped. Required unless `input_type` gives it.");
  AddCodecOption(spec,
                 "Decodes the files with this codec ({type: json|csv|arrow, ...}); unset: one raw "
                 "message per line.");
  spec.Object("input_type",
              "ArkFlow's form {type: json|csv|arrow, path: ...}: the same as `path` plus "
              "`codec: {type: ...}`. parquet and avro are not supported yet.",
              InputTypeSpec());
  spec.Int("batch_size", "Most rows per batch; a batch never spans two files.")
      .Default("8192")
      .Min(1);
  spec.ByteSize("max_line_bytes",
                "Longest line accepted; a longer line becomes an error record and is skipped.")
      .Default("16MiB");
  spec.Any("query", "ArkFlow's SQL over the file: not supported yet (needs the SQL engine).");
  spec.Any("ballista", "ArkFlow's distributed query engine: not supported.");
  return spec;
}

Result<std::unique_ptr<Input>> MakeFileInput(const ComponentConfig& cfg,
                                             const ComponentContext& ctx) {
  if (cfg.IsSet("query")) {
    return cfg.NodeOf("query").Error(
        "`query` is not supported yet: it needs the SQL engine; add a `sql` processor instead "
        "when it is available");
  }
  if (cfg.IsSet("ballista")) return cfg.NodeOf("ballista").Error("`ballista` is not supported");
  FileInputOptions o;
  const ConfigValue* codec = CodecNode(cfg);
  if (cfg.IsSet("input_type")) {
    if (cfg.IsSet("path") || codec != nullptr) {
      return cfg.NodeOf("input_type")
          .Error("give either `input_type` (ArkFlow's form) or `path` and `codec`, not both");
    }
    ComponentConfig it = cfg.GetObject("input_type");
    if (it.IsSet("store")) {
      return it.NodeOf("store").Error(
          "object stores are not supported yet; only local files can be read");
    }
    for (const char* key : {"type", "path"}) {
      if (!it.IsSet(key)) {
        return cfg.NodeOf("input_type").Error(fmt::format("missing required key `{}`", key));
      }
    }
    std::string type = it.GetString("type");
    if (type == "parquet" || type == "avro") {
      return it.NodeOf("type").Error(
          fmt::format("{} files are not supported yet; use json, csv or arrow", type));
    }
    o.path = it.GetString("path");
    o.codec = MakeCodecNode(type, it.NodeOf("type"));
  } else {
    if (!cfg.IsSet("path")) {
      return cfg.node().Error("missing required key `path` (or ArkFlow's `input_type`)");
    }
    o.path = cfg.GetString("path");
    if (codec != nullptr) o.codec = *codec;
  }
  if (o.path.empty()) return cfg.node().Error("the file path must not be empty");
  o.batch_size = cfg.GetInt("batch_size");
  o.max_line_bytes = cfg.GetByteSize("max_line_bytes");
  if (o.max_line_bytes == 0) {
    return cfg.NodeOf("max_line_bytes").Error("`max_line_bytes` must be at least 1 byte");
  }
  if (o.codec) {
    // Fail at build time on a bad codec section rather than at the first file.
    ARK_RETURN_IF_ERROR(MakeCodecDecoder(*o.codec, ctx).status());
  }
  return std::make_unique<FileInput>(std::move(o), ctx);
}

}  // namespace

void RegisterFileInput(Registry& registry) {
  registry.AddInput({.name = "file",
                     .summary = "Reads local files (raw lines, json, csv or arrow) once.",
                     .spec = FileInputSpec(),
                     .example = "input:\n  type: file\n  path: data/*.ndjson\n  codec:\n"
                                "    type: json\n"},
                    MakeFileInput);
}

}  // namespace ark
