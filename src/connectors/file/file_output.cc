#include "connectors/file/file_output.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "base/time.h"
#include "connectors/common/codec_option.h"

namespace ark {

namespace {

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Result<std::unique_ptr<FileOutput>> FileOutput::Make(FileOutputOptions options,
                                                     FormatterFactory make_formatter) {
  ARK_ASSIGN_OR_RETURN(PathTemplate path, PathTemplate::Parse(options.path));
  if ((options.max_size > 0 || options.roll_interval_us > 0) && !path.has_seq()) {
    return Status::InvalidArgument(
        "file output: rolling files (max_size, roll_interval) needs {{n}} in `path` so that each "
        "file gets its own name, e.g. \"out/part-{{n}}.ndjson\"");
  }
  return std::unique_ptr<FileOutput>(
      new FileOutput(std::move(options), std::move(path), std::move(make_formatter)));
}

FileOutput::FileOutput(FileOutputOptions options, PathTemplate path,
                       FormatterFactory make_formatter)
    : options_(std::move(options)),
      path_(std::move(path)),
      make_formatter_(std::move(make_formatter)) {}

FileOutput::FileOutput(std::string path, BatchFormatter formatter, bool sync)
    : options_{.path = path, .sync = sync}, path_(PathTemplate::Literal(path)) {
  auto once = std::make_shared<std::optional<BatchFormatter>>(std::move(formatter));
  make_formatter_ = [once]() -> Result<BatchFormatter> {
    if (!once->has_value()) return Status::Internal("file output: the formatter was used");
    BatchFormatter f = std::move(**once);
    once->reset();
    return f;
  };
}

FileOutput::~FileOutput() {
  if (timer_.joinable()) {
    timer_.request_stop();
    timer_.join();
  }
  // Close() was not called (a failed start-up): keep what was written in the temp file.
  if (fd_ >= 0) ::close(fd_);
}

std::string FileOutput::temp_path() const {
  std::lock_guard lock(mu_);
  return temp_path_;
}

std::vector<std::string> FileOutput::completed() const {
  std::lock_guard lock(mu_);
  return completed_;
}

Status FileOutput::Connect() {
  if (templated()) {
    if (options_.roll_interval_us > 0 && !timer_.joinable()) {
      timer_ = std::jthread([this](std::stop_token stop) { TimerLoop(stop); });
    }
    return Status::OK();
  }
  std::lock_guard lock(mu_);
  if (fd_ >= 0) return Status::OK();
  return OpenFile(NowMicros());
}

Status FileOutput::OpenFile(int64_t now_us) {
  struct stat st;
  std::string path;
  int64_t seq = next_seq_;
  while (true) {
    path = path_.Render(seq, now_us, options_.stream);
    // {n} never reuses the name of an existing file (an earlier run's, say).
    if (path_.has_seq() && ::lstat(path.c_str(), &st) == 0) {
      ++seq;
      continue;
    }
    break;
  }
  if (path.empty()) return Status::InvalidArgument("file output: the path renders empty");
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) {
      return Status::InvalidArgument("output file {} is a directory; give a file name", path);
    }
    if (templated()) {
      return Status::InvalidArgument("output file {} is not a regular file", path);
    }
    // A device, FIFO or socket (/dev/null, /dev/stdout, a named pipe): write to it directly. A
    // temp file renamed over it would replace the device node.
    ARK_ASSIGN_OR_RETURN(BatchFormatter formatter, make_formatter_());
    direct_ = true;
    fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) return Status::FromErrno(errno, fmt::format("opening output {}", path));
    final_path_ = temp_path_ = path;
    writer_.emplace(std::move(formatter), "file " + path);
    return Status::OK();
  }
  if (path_.placeholder_in_directory()) {
    std::error_code ec;
    std::filesystem::create_directories(DirectoryOf(path), ec);
    if (ec) {
      return Status::IoError("creating the directory of output file {}: {}", path, ec.message());
    }
  }
  std::string temp = path + ".tmp";
  if (::lstat(temp.c_str(), &st) == 0) {
    std::string aside = fmt::format("{}.partial-{}", path, NowMicros());
    if (::rename(temp.c_str(), aside.c_str()) != 0) {
      return Status::FromErrno(errno,
                               fmt::format("moving aside {} left by an interrupted run", temp));
    }
    spdlog::warn("file output: {} was left by an interrupted run; moved it to {}", temp, aside);
  }
  ARK_ASSIGN_OR_RETURN(BatchFormatter formatter, make_formatter_());
  fd_ = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) return Status::FromErrno(errno, fmt::format("opening output file {}", temp));
  final_path_ = std::move(path);
  temp_path_ = std::move(temp);
  writer_.emplace(std::move(formatter), "file " + temp_path_);
  opened_mono_us_ = MonotonicMicros();
  open_seq_ = seq;
  next_seq_ = seq + 1;
  roll_pending_ = false;
  return Status::OK();
}

Status FileOutput::Sync(bool full) {
  int rc = full ? ::fsync(fd_) : ::fdatasync(fd_);
  if (rc != 0) return Status::FromErrno(errno, fmt::format("syncing {}", temp_path_));
  return Status::OK();
}

Status FileOutput::CompleteFile() {
  if (fd_ < 0) return Status::OK();
  ARK_RETURN_IF_ERROR(writer_->Finish(fd_));
  if (options_.sync && !direct_) ARK_RETURN_IF_ERROR(Sync(true));
  int fd = fd_;
  fd_ = -1;
  writer_.reset();
  std::string temp = std::move(temp_path_);
  temp_path_.clear();
  if (::close(fd) != 0) return Status::FromErrno(errno, fmt::format("closing {}", temp));
  if (direct_) return Status::OK();
  if (::rename(temp.c_str(), final_path_.c_str()) != 0) {
    return Status::FromErrno(errno, fmt::format("renaming {} to {}", temp, final_path_));
  }
  if (options_.sync) {
    // The rename is durable once the directory is.
    std::string dir = DirectoryOf(final_path_);
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return Status::FromErrno(errno, fmt::format("opening directory {}", dir));
    int rc = ::fsync(dfd);
    int err = errno;
    ::close(dfd);
    if (rc != 0) return Status::FromErrno(err, fmt::format("syncing directory {}", dir));
  }
  completed_.push_back(final_path_);
  return Status::OK();
}

Status FileOutput::Write(const Batch& batch) {
  std::lock_guard lock(mu_);
  if (fd_ < 0 && !templated()) {
    return Status::Internal("file output {}: Write before Connect", options_.path);
  }
  if (fd_ < 0 && batch.num_rows() == 0) return Status::OK();  // no empty files
  int64_t now_us = NowMicros();
  // Roll before writing, unless the retry of a failed write must complete its batch here.
  if (fd_ >= 0 && templated() && !last_write_failed_) {
    bool roll = roll_pending_;
    if (options_.roll_interval_us > 0 &&
        MonotonicMicros() - opened_mono_us_ >= options_.roll_interval_us) {
      roll = true;
    }
    if (path_.has_time() && path_.Render(open_seq_, now_us, options_.stream) != final_path_) {
      roll = true;
    }
    if (roll) ARK_RETURN_IF_ERROR(CompleteFile());
  }
  if (fd_ < 0) {
    ARK_RETURN_IF_ERROR(OpenFile(now_us));
    timer_cv_.notify_all();
  }
  Status st = writer_->Write(fd_, batch);
  last_write_failed_ = !st.ok();
  ARK_RETURN_IF_ERROR(st);
  if (options_.sync && !direct_) ARK_RETURN_IF_ERROR(Sync(false));
  if (options_.max_size > 0 && writer_->bytes_written() >= options_.max_size) {
    // The batch is written (and will be acknowledged): a failure to complete the file is the
    // next Write's to report, which completes it first.
    Status done = CompleteFile();
    if (!done.ok()) {
      spdlog::error("file output: completing {}: {}; retrying with the next batch", final_path_,
                    done.ToString());
      roll_pending_ = true;
    }
  }
  return Status::OK();
}

void FileOutput::TimerLoop(std::stop_token stop) {
  std::unique_lock lock(mu_);
  while (!stop.stop_requested()) {
    if (fd_ < 0) {
      timer_cv_.wait(lock, stop, [this] { return fd_ >= 0; });
      continue;
    }
    int64_t due = opened_mono_us_ + options_.roll_interval_us;
    int64_t now = MonotonicMicros();
    if (now >= due && !last_write_failed_) {
      Status st = CompleteFile();
      if (st.ok()) continue;
      spdlog::error("file output: completing {} after roll_interval: {}", final_path_,
                    st.ToString());
      roll_pending_ = true;
    }
    // Not due yet, or a failure: wait (at most one interval, so a failure is not retried in a
    // busy loop).
    int64_t wait = now >= due ? options_.roll_interval_us : due - now;
    timer_cv_.wait_for(lock, stop, std::chrono::microseconds(wait), [] { return false; });
  }
}

Status FileOutput::Close() {
  if (timer_.joinable()) {
    timer_.request_stop();
    timer_.join();
  }
  std::lock_guard lock(mu_);
  return CompleteFile();
}

namespace {

ConfigSpec FileOutputSpec() {
  ConfigSpec spec(
      "Writes the stream to a file, or to many files with a path template and rolling. Each file "
      "is written as `<name>.tmp` and renamed to its name when complete (end of stream, "
      "shutdown, or a roll), so readers never see a half-written file. Without a codec each "
      "row's `__value__` is written (one JSON object per row when the batch has other columns, "
      "such as decoded fields or an error row's `__error__`); with a codec, its format (json "
      "lines, csv with a header, arrow IPC stream) — every rolled file is complete on its own. "
      "Every batch is written with write(2) before it is acknowledged: it survives an engine "
      "crash (in `<name>.tmp`) but not a power loss unless `sync` is set. A path that is not a "
      "regular file (/dev/null, /dev/stdout, a named pipe) is written directly. A `<name>.tmp` "
      "left by an interrupted run is moved aside to `<name>.partial-<microseconds>`, never "
      "overwritten.");
  spec.String("path",
              "File to write, or a template: {n} (file sequence number of this run, 0, 1, ...; "
              "existing names are skipped), {n:W} (zero-padded to W digits), {time:FORMAT} "
              "(strftime, UTC, when the file is opened), {date} ({time:%Y-%m-%d}), {stream} (the "
              "stream id); {{ and }} are literal braces. The directory must exist unless a "
              "placeholder is in the directory part (then it is created). A new file starts when "
              "the time part of the name changes.")
      .Required();
  AddCodecOption(
      spec,
      "Encodes batches in this format ({type: json|csv|arrow, ...}); unset: raw "
      "`__value__` of raw messages, or one JSON object per row when the batch has other columns.");
  spec.Bool("append_newline",
            "Write a newline after each message (raw `__value__` and the JSON-per-row default). "
            "Ignored with a codec, whose own framing applies.")
      .Default("true");
  spec.ByteSize("max_size",
                "Roll to a new file once the current one holds this many bytes (checked after "
                "each batch, which is never split); needs {n} in `path`. 0: no limit.")
      .Default("0");
  spec.Duration("roll_interval",
                "Roll to a new file once the current one has been open this long, even when no "
                "batch arrives; needs {n} in `path`. 0s: never. Files are only opened for data, "
                "so an idle stream makes no empty files.")
      .Default("0s");
  spec.Bool("sync",
            "fdatasync after every batch and fsync each file and its directory when it is "
            "completed, so acknowledged data survives power loss (one disk flush per batch).")
      .Default("false");
  return spec;
}

}  // namespace

void RegisterFileOutput(Registry& registry) {
  registry.AddOutput(
      {.name = "file",
       .summary = "Writes the stream to files (one, or rolled by size or time from a path "
                  "template), each published by an atomic rename.",
       .spec = FileOutputSpec(),
       .example = "output:\n  type: file\n  path: out/events-{n:4}.ndjson\n  max_size: 64MiB\n"
                  "  codec:\n    type: json\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext& ctx) -> Result<std::unique_ptr<Output>> {
        FileOutputOptions o;
        o.path = cfg.GetString("path");
        if (o.path.empty()) return cfg.NodeOf("path").Error("`path` must not be empty");
        o.sync = cfg.GetBool("sync");
        o.max_size = static_cast<int64_t>(cfg.GetByteSize("max_size"));
        o.roll_interval_us =
            std::chrono::duration_cast<std::chrono::microseconds>(cfg.GetDuration("roll_interval"))
                .count();
        o.stream = ctx.stream_id;
        std::optional<ConfigValue> codec;
        if (const ConfigValue* node = CodecNode(cfg)) codec = *node;
        bool append_newline = cfg.GetBool("append_newline");
        FileOutput::FormatterFactory factory = [codec, append_newline,
                                                ctx]() -> Result<BatchFormatter> {
          std::unique_ptr<Encoder> encoder;
          if (codec) {
            ARK_ASSIGN_OR_RETURN(encoder, MakeCodecEncoder(*codec, ctx));
          }
          return BatchFormatter(std::move(encoder), append_newline, ctx);
        };
        // A bad codec section fails at build time rather than at the first file.
        ARK_RETURN_IF_ERROR(factory().status());
        auto out = FileOutput::Make(std::move(o), std::move(factory));
        if (!out.ok()) return cfg.NodeOf("path").Error(out.status().message());
        return std::unique_ptr<Output>(std::move(out).value());
      });
}

}  // namespace ark
