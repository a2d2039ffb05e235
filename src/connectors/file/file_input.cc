#include "connectors/file/file_input.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>

#include <spdlog/spdlog.h>

#include "connectors/common/codec_option.h"
#include "connectors/common/input_util.h"
#include "core/column_builder.h"
#include "core/raw_message.h"

namespace ark {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

FileInput::FileInput(FileInputOptions options, ComponentContext ctx)
    : options_(std::move(options)),
      ctx_(std::move(ctx)),
      error_component_(InputErrorComponent(ctx_, "file")),
      reader_({.read_bytes = options_.read_bytes,
               .max_line_bytes = options_.max_line_bytes,
               .record_boundary = options_.codec ? RecordBoundaryOf(*options_.codec)
                                                 : LineReader::RecordBoundary()}) {
  if (options_.batch_size < 1) options_.batch_size = 1;
  if (options_.read_bytes < 1) options_.read_bytes = 1;
  if (options_.codec) {
    CodecFraming framing = FramingOf(*options_.codec);
    mode_ = framing == CodecFraming::kBytes ? Mode::kBytes : Mode::kDecoded;
    const ConfigValue* header = options_.codec->Get("header");
    csv_header_ = framing == CodecFraming::kCsvRecords &&
                  (header == nullptr || !header->is_scalar() || header->text() != "false");
  }
  raw_schema_ = Schema::Make({Field(std::string(kValueColumn), DataType::Binary()),
                              Field(std::string(kMetaSource), DataType::String()),
                              Field(std::string(kMetaOffset), DataType::Int64())});
}

FileInput::~FileInput() { CloseFile(); }

Result<std::vector<std::string>> FileInput::Expand() const {
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
  std::vector<std::string> files;
  for (auto& path : candidates) {
    if (::stat(path.c_str(), &st) != 0) {
      if (options_.follow && errno == ENOENT) continue;  // gone since the glob
      return Status::FromErrno(errno, fmt::format("file input: {}", path));
    }
    if (S_ISDIR(st.st_mode)) continue;
    files.push_back(std::move(path));
  }
  return files;
}

Status FileInput::Connect() {
  if (connected_) return Status::OK();
  ARK_ASSIGN_OR_RETURN(files_, Expand());
  if (files_.empty() && !options_.follow) {
    std::string where;
    const std::string& pattern = options_.path;
    if (!pattern.empty() && pattern[0] != '/') {
      char cwd[4096];
      if (::getcwd(cwd, sizeof(cwd)) != nullptr) where = fmt::format(" (relative to {})", cwd);
    }
    return Status::NotFound("file input: no file matches \"{}\"{}", pattern, where);
  }
  if (files_.empty()) {
    spdlog::info("file input: no file matches \"{}\" yet; waiting for one", options_.path);
  }
  int64_t total = 0;
  for (const auto& path : files_) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) total += static_cast<int64_t>(st.st_size);
  }
  total_bytes_.store(total, std::memory_order_relaxed);
  if (options_.start && !options_.start->path.empty()) {
    // Resuming: the files before the position's file were read.
    const std::string& from = options_.start->path;
    while (next_file_ < files_.size() && files_[next_file_] < from) ++next_file_;
    last_name_ = from;
  }
  {
    std::lock_guard lock(position_mu_);
    if (options_.start) {
      position_ = {
          options_.start->path.empty() && !files_.empty() ? files_[0] : options_.start->path,
          options_.start->offset};
    } else if (!files_.empty()) {
      position_ = {files_[0], 0};
    }
  }
  connected_ = true;
  return Status::OK();
}

Status FileInput::OpenNext() {
  current_ = files_[next_file_++];
  CloseFile();
  fd_ = ::open(current_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return Status::FromErrno(errno, fmt::format("file input: opening {}", current_));
  struct stat st;
  if (::fstat(fd_, &st) != 0) {
    return Status::FromErrno(errno, fmt::format("file input: {}", current_));
  }
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  seen_.insert({dev_, ino_});
  if (current_ > last_name_) last_name_ = current_;
  reader_.Reset();
  source_.reset();
  decoder_.reset();
  gzip_.reset();
  base_ = 0;
  skip_ = 0;
  appended_lines_ = 0;
  idle_ = false;
  finishing_ = false;
  bool gzip = options_.compression == FileCompression::kGzip ||
              (options_.compression == FileCompression::kAuto && EndsWith(current_, ".gz"));
  if (gzip) {
    gzip_ = std::make_unique<GzipReader>(current_);
    ARK_RETURN_IF_ERROR(gzip_->Init());
  }
  if ((gzip || options_.follow) && scratch_ == nullptr) {
    scratch_.reset(new char[options_.read_bytes]);
  }
  if (options_.codec) {
    ARK_ASSIGN_OR_RETURN(decoder_, MakeCodecDecoder(*options_.codec, ctx_));
  }
  // The start position applies to its own file only (or to the first file when it names none).
  int64_t start = 0;
  if (options_.start && (options_.start->path.empty() || options_.start->path == current_)) {
    start = options_.start->offset;
  }
  options_.start.reset();
  if (start > 0 && mode_ == Mode::kBytes) {
    spdlog::warn(
        "file input: {}: an arrow file cannot be resumed mid-way; reading it from the "
        "start",
        current_);
    start = 0;
  }
  if (start > 0 && !gzip && start > static_cast<int64_t>(st.st_size)) {
    spdlog::warn(
        "file input: {} is shorter ({} bytes) than the start offset {}; reading it from "
        "the start",
        current_, st.st_size, start);
    start = 0;
  }
  if (start > 0) {
    if (csv_header_) ARK_RETURN_IF_ERROR(ReadCsvHeader());
    if (gzip) {
      skip_ = start;
    } else if (::lseek(fd_, start, SEEK_SET) < 0) {
      return Status::FromErrno(errno, fmt::format("file input: seeking in {}", current_));
    }
    base_ = start;
  }
  return Status::OK();
}

Status FileInput::ReadCsvHeader() {
  // The header is the first line of the file (decompressed when gzip).
  std::string header;
  std::unique_ptr<GzipReader> gz;
  if (gzip_ != nullptr) {
    gz = std::make_unique<GzipReader>(current_);
    ARK_RETURN_IF_ERROR(gz->Init());
  }
  int fd = ::open(current_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, fmt::format("file input: opening {}", current_));
  char buf[4096];
  Status st;
  while (header.find('\n') == std::string::npos && header.size() <= options_.max_line_bytes) {
    size_t n = 0;
    if (gz != nullptr) {
      auto r = gz->Read(fd, buf, sizeof(buf));
      if (!r.ok()) {
        st = r.status();
        break;
      }
      n = *r;
    } else {
      ssize_t got = ::read(fd, buf, sizeof(buf));
      if (got < 0) {
        st = Status::FromErrno(errno, fmt::format("reading {}", current_));
        break;
      }
      n = static_cast<size_t>(got);
    }
    if (n == 0) break;
    header.append(buf, n);
  }
  ::close(fd);
  ARK_RETURN_IF_ERROR(st);
  size_t nl = header.find('\n');
  if (nl != std::string::npos) header.resize(nl + 1);
  auto r = decoder_->DecodeChunk(header, ChunkPosition{});
  if (!r.ok()) return r.status().WithContext(fmt::format("file input: {}", current_));
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
  if (options_.follow) return std::nullopt;
  int64_t total = total_bytes_.load(std::memory_order_relaxed);
  if (total == 0) return std::nullopt;
  return std::make_pair(read_bytes_.load(std::memory_order_relaxed), total);
}

FilePosition FileInput::Position() const {
  std::lock_guard lock(position_mu_);
  return position_;
}

Result<size_t> FileInput::ReadSome(char* out, size_t capacity) {
  if (gzip_ != nullptr) {
    int64_t before = gzip_->compressed_read();
    auto n = gzip_->Read(fd_, out, capacity);
    read_bytes_.fetch_add(gzip_->compressed_read() - before, std::memory_order_relaxed);
    return n;
  }
  ssize_t n;
  do {
    n = ::read(fd_, out, capacity);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Status::FromErrno(errno, fmt::format("reading {}", current_));
  read_bytes_.fetch_add(n, std::memory_order_relaxed);
  return static_cast<size_t>(n);
}

Status FileInput::Fill() {
  if (gzip_ == nullptr && !options_.follow) {
    // The common case: read(2) straight into the reader's buffer.
    ARK_ASSIGN_OR_RETURN(size_t n, reader_.Fill(fd_, current_));
    read_bytes_.fetch_add(static_cast<int64_t>(n), std::memory_order_relaxed);
    return Status::OK();
  }
  while (true) {
    Result<size_t> r = ReadSome(scratch_.get(), options_.read_bytes);
    if (!r.ok()) {
      if (gzip_ == nullptr || r.status().code() != StatusCode::kParseError) return r.status();
      // Damaged gzip data: one error record, the rest of the file is skipped (a partial line
      // buffered before the damage is dropped: it is most likely cut).
      spdlog::error("file input: {}; skipping the rest of the file", r.status().message());
      RecordError e;
      e.line = appended_lines_ + 1;
      e.byte_offset = ReaderOffset();  // where the damaged record starts
      e.message = r.status().message() + "; the rest of the file is skipped";
      fill_errors_.push_back(std::move(e));
      int64_t at = ReaderOffset();
      reader_.Reset();
      base_ = at;
      reader_.MarkEof();
      return Status::OK();
    }
    size_t n = *r;
    if (n == 0) {
      // A gzip file ends for good; so does a file that is not (or no longer) followed.
      if (gzip_ != nullptr || finishing_ || !options_.follow || next_file_ < files_.size()) {
        reader_.MarkEof();
      } else {
        idle_ = true;
      }
      return Status::OK();
    }
    size_t drop = 0;
    if (skip_ > 0) {
      drop = static_cast<size_t>(std::min<int64_t>(skip_, static_cast<int64_t>(n)));
      skip_ -= static_cast<int64_t>(drop);
      if (drop == n) continue;
    }
    std::string_view bytes(scratch_.get() + drop, n - drop);
    // Lines are counted for gzip files only, to place an error in damaged data.
    if (gzip_ != nullptr) appended_lines_ += std::count(bytes.begin(), bytes.end(), '\n');
    reader_.Append(bytes);
    return Status::OK();
  }
}

void FileInput::Wait(std::stop_token stop) const {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait_for(lock, stop, std::chrono::microseconds(options_.poll_interval_us),
              [] { return false; });
}

Result<bool> FileInput::FindNewFiles() {
  ARK_ASSIGN_OR_RETURN(std::vector<std::string> found, Expand());
  bool any = false;
  for (auto& path : found) {
    if (!last_name_.empty() && path <= last_name_) continue;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) continue;
    if (seen_.contains({st.st_dev, st.st_ino})) continue;  // a file read before, renamed
    files_.push_back(std::move(path));
    any = true;
  }
  return any;
}

Status FileInput::OnIdle(std::stop_token stop) {
  idle_ = false;
  struct stat st;
  if (::fstat(fd_, &st) != 0) {
    return Status::FromErrno(errno, fmt::format("file input: {}", current_));
  }
  off_t at = ::lseek(fd_, 0, SEEK_CUR);
  if (at >= 0 && st.st_size < at) {
    spdlog::warn(
        "file input: {} was truncated (now {} bytes, {} were read); reading it again "
        "from the start",
        current_, st.st_size, at);
    if (::lseek(fd_, 0, SEEK_SET) < 0) {
      return Status::FromErrno(errno, fmt::format("file input: seeking in {}", current_));
    }
    reader_.Reset();
    base_ = 0;
    if (options_.codec) {
      ARK_ASSIGN_OR_RETURN(decoder_, MakeCodecDecoder(*options_.codec, ctx_));
    }
    return Status::OK();
  }
  if (::stat(current_.c_str(), &st) == 0 && (st.st_dev != dev_ || st.st_ino != ino_)) {
    // Rotated: the name is a new file. Finish the old one, then read the new one.
    spdlog::info("file input: {} was replaced by a new file (rotated); finishing the old one",
                 current_);
    files_.insert(files_.begin() + static_cast<std::ptrdiff_t>(next_file_), current_);
    finishing_ = true;
    return Status::OK();
  }
  ARK_ASSIGN_OR_RETURN(bool newer, FindNewFiles());
  if (newer) {
    finishing_ = true;
    return Status::OK();
  }
  Wait(stop);
  return Status::OK();
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

void FileInput::Push(InputBatch in, int64_t end_offset) {
  pending_.push_back(Pending{std::move(in), FilePosition{current_, end_offset}});
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
      offsets.UnsafeAppend(base_ + line.offset);
      ++rows;
      continue;
    }
    if (reader_.eof()) {
      CloseFile();
      break;
    }
    ARK_RETURN_IF_ERROR(Fill());
    if (idle_) break;
  }
  if (rows == 0 && errors.empty()) return Status::OK();
  Batch batch(raw_schema_, {values.Finish(), SourceColumn(rows), offsets.Finish()}, rows);
  Push(InputBatch{std::move(batch), AckToken(), ErrorBatch(std::move(errors))}, ReaderOffset());
  return Status::OK();
}

Status FileInput::Decoded(Result<DecodeResult> result, int64_t chunk_start, int64_t chunk_end) {
  if (!result.ok()) return result.status().WithContext(fmt::format("file input: {}", current_));
  DecodeResult r = std::move(result).value();
  std::deque<InputBatch> slices;
  AppendSliced(r.batch, options_.batch_size, ErrorBatch(std::move(r.errors)), &slices);
  while (!slices.empty()) {
    // Only the last slice ends where the chunk ends; resuming after an earlier one repeats the
    // chunk's rows rather than losing them.
    Push(std::move(slices.front()), slices.size() == 1 ? chunk_end : chunk_start);
    slices.pop_front();
  }
  return Status::OK();
}

Status FileInput::ReadDecoded() {
  std::string_view text;
  ChunkPosition pos;
  LineReader::Line line;
  while (true) {
    switch (reader_.NextChunk(&text, &pos, &line)) {
      case LineReader::ChunkKind::kLines: {
        int64_t start = base_ + pos.byte_offset;
        pos.byte_offset = start;
        return Decoded(decoder_->DecodeChunk(text, pos), start, ReaderOffset());
      }
      case LineReader::ChunkKind::kTooLong: {
        RecordError e = reader_.TooLongError(line);
        e.byte_offset += base_;
        Push(InputBatch{Batch(), AckToken(), ErrorBatch({std::move(e)})}, ReaderOffset());
        return Status::OK();
      }
      case LineReader::ChunkKind::kNone:
        break;
    }
    if (reader_.eof()) {
      CloseFile();
      return Status::OK();
    }
    ARK_RETURN_IF_ERROR(Fill());
    if (idle_) return Status::OK();
  }
}

Status FileInput::ReadBytes() {
  std::string_view bytes;
  ChunkPosition pos;
  // An arrow IPC stream cannot be resumed mid-way: its batches report the file's start.
  if (reader_.NextBytes(&bytes, &pos)) return Decoded(decoder_->DecodeChunk(bytes, pos), 0, 0);
  if (reader_.eof()) {
    CloseFile();
    return Status::OK();
  }
  return Fill();
}

Result<InputBatch> FileInput::Read(std::stop_token stop) {
  ARK_RETURN_IF_ERROR(Connect());
  while (true) {
    if (!pending_.empty()) {
      Pending out = std::move(pending_.front());
      pending_.pop_front();
      {
        std::lock_guard lock(position_mu_);
        position_ = std::move(out.end);
      }
      return std::move(out.in);
    }
    if (stop.stop_requested()) return Status::Cancelled("file input stopped");
    if (fd_ < 0) {
      if (next_file_ >= files_.size()) {
        if (!options_.follow) {
          return Status::EndOfStream("file input: read {} file(s)", files_.size());
        }
        ARK_ASSIGN_OR_RETURN(bool found, FindNewFiles());
        if (!found) {
          Wait(stop);
          continue;
        }
      }
      ARK_RETURN_IF_ERROR(OpenNext());
    }
    idle_ = false;
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
    if (!fill_errors_.empty()) {
      Push(InputBatch{Batch(), AckToken(), ErrorBatch(std::move(fill_errors_))}, ReaderOffset());
      fill_errors_.clear();
    }
    if (idle_ && pending_.empty() && fd_ >= 0) ARK_RETURN_IF_ERROR(OnIdle(stop));
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
      "Reads local files once, then ends the stream (or, with `follow`, tails them like "
      "`tail -F`). `.gz` files are decompressed as they are read. Without a codec each line is a "
      "message: "
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
  spec.String("compression",
              "gzip: decompress every file as gzip (concatenated members too); none: read as is; "
              "auto: gzip when the name ends in `.gz`. Offsets are those of the decompressed "
              "data; damaged gzip data ends its file with an error record naming the compressed "
              "byte, and reading goes on with the next file.")
      .Default("auto")
      .OneOf({"auto", "gzip", "none"});
  spec.Bool("follow",
            "Never end: follow the last file like `tail -F` — read appended lines as they come, "
            "read a rotated file (renamed, recreated) to its end and go on with the new one, "
            "start again from offset 0 when the file is truncated, and go on with a new file "
            "matching `path` whose name sorts after the followed one. Without a match at start, "
            "wait for one.")
      .Default("false");
  spec.Duration("poll_interval",
                "With `follow`: how often the followed file is checked for new bytes, rotation "
                "and truncation while it has nothing new.")
      .Default("200ms");
  spec.Int("start_offset",
           "Byte offset in the first file to start at (a record boundary, such as a "
           "`__meta_offset`); resuming a CSV file with a header reads the header first. Offsets "
           "of gzip files count decompressed bytes (what is before is decompressed and skipped).")
      .Default("0")
      .Min(0);
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
  std::string compression = cfg.GetString("compression");
  o.compression = compression == "gzip"   ? FileCompression::kGzip
                  : compression == "none" ? FileCompression::kNone
                                          : FileCompression::kAuto;
  o.follow = cfg.GetBool("follow");
  o.poll_interval_us =
      std::chrono::duration_cast<std::chrono::microseconds>(cfg.GetDuration("poll_interval"))
          .count();
  if (o.poll_interval_us < 1) {
    return cfg.NodeOf("poll_interval").Error("`poll_interval` must be positive");
  }
  if (int64_t start = cfg.GetInt("start_offset"); start > 0) o.start = FilePosition{"", start};
  if (o.codec) {
    // Fail at build time on a bad codec section rather than at the first file.
    ARK_RETURN_IF_ERROR(MakeCodecDecoder(*o.codec, ctx).status());
  }
  return std::make_unique<FileInput>(std::move(o), ctx);
}

}  // namespace

void RegisterFileInput(Registry& registry) {
  registry.AddInput({.name = "file",
                     .summary = "Reads local files (raw lines, json, csv or arrow; plain or "
                                "gzip) once, or follows them like `tail -F`.",
                     .spec = FileInputSpec(),
                     .example = "input:\n  type: file\n  path: data/*.ndjson\n  codec:\n"
                                "    type: json\n"},
                    MakeFileInput);
}

}  // namespace ark
