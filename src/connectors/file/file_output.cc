#include "connectors/file/file_output.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "base/time.h"
#include "connectors/common/codec_option.h"

namespace ark {

FileOutput::FileOutput(std::string path, BatchFormatter formatter, bool sync)
    : path_(std::move(path)),
      temp_path_(path_ + ".tmp"),
      writer_(std::move(formatter), "file " + temp_path_),
      sync_(sync) {}

FileOutput::~FileOutput() {
  // Close() was not called (a failed start-up): keep what was written in the temp file.
  if (fd_ >= 0) ::close(fd_);
}

Status FileOutput::Connect() {
  if (fd_ >= 0) return Status::OK();
  struct stat st;
  if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) {
      return Status::InvalidArgument("output file {} is a directory; give a file name", path_);
    }
    // A device, FIFO or socket (/dev/null, /dev/stdout, a named pipe): write to it directly. A
    // temp file renamed over it would replace the device node.
    direct_ = true;
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) return Status::FromErrno(errno, fmt::format("opening output {}", path_));
    return Status::OK();
  }
  if (::lstat(temp_path_.c_str(), &st) == 0) {
    std::string aside = fmt::format("{}.partial-{}", path_, NowMicros());
    if (::rename(temp_path_.c_str(), aside.c_str()) != 0) {
      return Status::FromErrno(
          errno, fmt::format("moving aside {} left by an interrupted run", temp_path_));
    }
    spdlog::warn("file output: {} was left by an interrupted run; moved it to {}", temp_path_,
                 aside);
  }
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) return Status::FromErrno(errno, fmt::format("opening output file {}", temp_path_));
  return Status::OK();
}

Status FileOutput::Sync(bool full) {
  int rc = full ? ::fsync(fd_) : ::fdatasync(fd_);
  if (rc != 0) return Status::FromErrno(errno, fmt::format("syncing {}", temp_path_));
  return Status::OK();
}

Status FileOutput::Write(const Batch& batch) {
  if (fd_ < 0) return Status::Internal("file output {}: Write before Connect", path_);
  ARK_RETURN_IF_ERROR(writer_.Write(fd_, batch));
  if (sync_) ARK_RETURN_IF_ERROR(Sync(false));
  return Status::OK();
}

Status FileOutput::Close() {
  if (fd_ < 0) return Status::OK();
  ARK_RETURN_IF_ERROR(writer_.Finish(fd_));
  if (sync_) ARK_RETURN_IF_ERROR(Sync(true));
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return Status::FromErrno(errno, fmt::format("closing {}", temp_path_));
  if (direct_) return Status::OK();
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    return Status::FromErrno(errno, fmt::format("renaming {} to {}", temp_path_, path_));
  }
  if (sync_) {
    // The rename is durable once the directory is.
    size_t slash = path_.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path_.substr(0, slash);
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return Status::FromErrno(errno, fmt::format("opening directory {}", dir));
    int rc = ::fsync(dfd);
    int err = errno;
    ::close(dfd);
    if (rc != 0) return Status::FromErrno(err, fmt::format("syncing directory {}", dir));
  }
  return Status::OK();
}

namespace {

ConfigSpec FileOutputSpec() {
  ConfigSpec spec(
      "Writes the stream to one file. Data goes to `<path>.tmp`, renamed to `path` when the "
      "stream ends, so readers never see a half-written file. Without a codec each row's "
      "`__value__` is written (one JSON object per row when the batch has other columns, such as "
      "decoded fields or an error row's `__error__`); with a "
      "codec, its format (json lines, csv with a header, arrow IPC stream). Every batch is "
      "written with write(2) before it is acknowledged: it survives an engine crash (in "
      "`<path>.tmp`) but not a power loss unless `sync` is set. A path that is not a regular file "
      "(/dev/null, /dev/stdout, a named pipe) is written directly. A `<path>.tmp` left by an "
      "interrupted run is moved aside to `<path>.partial-<microseconds>`, never overwritten.");
  spec.String("path", "File to write; its directory must exist.").Required();
  AddCodecOption(
      spec,
      "Encodes batches in this format ({type: json|csv|arrow, ...}); unset: raw "
      "`__value__` of raw messages, or one JSON object per row when the batch has other columns.");
  spec.Bool("append_newline",
            "Write a newline after each message (raw `__value__` and the JSON-per-row default). "
            "Ignored with a codec, whose own framing applies.")
      .Default("true");
  spec.Bool("sync",
            "fdatasync after every batch and fsync the file and directory at close, so "
            "acknowledged data survives power loss (one disk flush per batch).")
      .Default("false");
  return spec;
}

}  // namespace

void RegisterFileOutput(Registry& registry) {
  registry.AddOutput(
      {.name = "file",
       .summary = "Writes the stream to a file, published by an atomic rename at the end.",
       .spec = FileOutputSpec(),
       .example = "output:\n  type: file\n  path: out/events.ndjson\n  codec:\n    type: json\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext& ctx) -> Result<std::unique_ptr<Output>> {
        std::string path = cfg.GetString("path");
        if (path.empty()) return cfg.NodeOf("path").Error("`path` must not be empty");
        std::unique_ptr<Encoder> encoder;
        if (const ConfigValue* codec = CodecNode(cfg)) {
          ARK_ASSIGN_OR_RETURN(encoder, MakeCodecEncoder(*codec, ctx));
        }
        return std::make_unique<FileOutput>(
            std::move(path), BatchFormatter(std::move(encoder), cfg.GetBool("append_newline"), ctx),
            cfg.GetBool("sync"));
      });
}

}  // namespace ark
